/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Classic pcap writer (microsecond timestamps, LINKTYPE_ETHERNET) for the
 * generator. Written by hand rather than through libpcap's dump API so the
 * output is byte-for-byte deterministic (fixed start time, fixed step): a
 * committed capture only changes when the generator does.
 */
#include <string.h>

#include "mg_gen.h"

#define GEN_PCAP_T0 1764057600ull /* 2025-11-25 08:00:00 UTC */

static void le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

int mg_gen_pcap_open(struct mg_gen_pcap *pc, const char *path)
{
	memset(pc, 0, sizeof(*pc));
	pc->f = fopen(path, "wb");
	if (!pc->f)
		return -1;
	pc->ts_us = GEN_PCAP_T0 * 1000000ull;
	pc->step_us = 1000;
	uint8_t h[24];
	le32(h, 0xA1B2C3D4u);
	h[4] = 2; /* version 2.4 */
	h[5] = 0;
	h[6] = 4;
	h[7] = 0;
	le32(h + 8, 0);       /* thiszone */
	le32(h + 12, 0);      /* sigfigs */
	le32(h + 16, 262144); /* snaplen */
	le32(h + 20, 1);      /* Ethernet */
	if (fwrite(h, 1, sizeof(h), pc->f) != sizeof(h)) {
		fclose(pc->f);
		pc->f = NULL;
		return -1;
	}
	return 0;
}

void mg_gen_pcap_write(struct mg_gen_pcap *pc, const uint8_t *frame, size_t len)
{
	if (!pc->f)
		return;
	uint8_t h[16];
	le32(h, (uint32_t)(pc->ts_us / 1000000u));
	le32(h + 4, (uint32_t)(pc->ts_us % 1000000u));
	le32(h + 8, (uint32_t)len);
	le32(h + 12, (uint32_t)len);
	fwrite(h, 1, sizeof(h), pc->f);
	fwrite(frame, 1, len, pc->f);
	pc->ts_us += pc->step_us;
	pc->frames++;
}

int mg_gen_pcap_close(struct mg_gen_pcap *pc)
{
	if (!pc->f)
		return -1;
	int bad = ferror(pc->f);
	if (fclose(pc->f) != 0)
		bad = 1;
	pc->f = NULL;
	return bad ? -1 : 0;
}

static void pcap_sink_fn(void *ud, const uint8_t *frame, size_t len)
{
	mg_gen_pcap_write(ud, frame, len);
}

struct mg_gen_sink mg_gen_pcap_sink(struct mg_gen_pcap *pc)
{
	struct mg_gen_sink s = {pcap_sink_fn, pc};
	return s;
}
