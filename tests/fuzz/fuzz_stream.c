/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: TCP reassembly (mg_stream) feeding the MMS engine, the
 * way mmsgatectl replay chains them. Input: byte 0 = flags (bit 0 wrap the
 * ISN near 2^32, bit 1 no SYN: mid-stream sync), then segment records
 * [offset hi, offset lo, len] + len payload bytes, offsets relative to the
 * ISN + 1 so segments overlap, repeat, leave gaps and arrive out of order.
 * Checks the reassembler's own accounting: bytes delivered through the
 * callback and gaps declared add up to the stream offset it reports.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mg_engine.h"
#include "mg_stream.h"

struct ctx {
	struct mg_engine *e;
	struct mg_engine_conn *c;
	uint64_t delivered, lost;
};

static void on_ev(void *ud, const struct mg_ev *ev)
{
	(void)ud;
	(void)ev;
}

static void on_bytes(void *ud, const uint8_t *p, size_t len)
{
	struct ctx *x = ud;
	if (!p) {
		x->lost += len;
		/* After a gap the engine's stream is broken: start a new one, as
		 * replay does on resync. */
		mg_engine_conn_release(x->e, x->c);
		mg_engine_conn_init(x->c);
		return;
	}
	x->delivered += len;
	mg_engine_feed(x->e, x->c, MG_DIR_C2S, p, len, on_ev, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t flags = data[0];
	uint32_t isn = (flags & 1) ? 0xFFFFFF00u : 1000u;
	static struct mg_engine e;
	struct mg_engine_cfg cfg = {.buf_size = MG_ENGINE_DEFAULT_BUF_SIZE,
				    .midstream_pickup = true};
	mg_engine_init(&e, &cfg);
	static struct mg_engine_conn c;
	mg_engine_conn_init(&c);
	struct ctx x = {&e, &c, 0, 0};
	struct mg_stream_dir d;
	mg_stream_init(&d);
	if (!(flags & 2))
		mg_stream_syn(&d, isn);
	size_t i = 1;
	while (i + 3 <= size) {
		uint32_t off = (uint32_t)data[i] << 8 | data[i + 1];
		size_t len = data[i + 2];
		i += 3;
		if (len > size - i)
			len = size - i;
		uint8_t *seg = malloc(len ? len : 1);
		if (!seg)
			abort();
		memcpy(seg, data + i, len);
		mg_stream_feed(&d, isn + 1 + off * 16u, seg, len, on_bytes, &x);
		free(seg);
		i += len;
	}
	if (x.delivered != d.st.bytes_delivered)
		abort();
	if (d.synced && (flags & 2) == 0 && mg_stream_offset(&d) != x.delivered + x.lost)
		abort();
	mg_stream_free(&d);
	mg_engine_conn_release(&e, &c);
	return 0;
}
