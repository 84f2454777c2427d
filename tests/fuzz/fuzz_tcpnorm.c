/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the TCP/IP normaliser (mg_tcpn) on a sequence of
 * frames of one connection. Input: byte 0 = flags (bit 0: trust checksums
 * and sizes, so mutated frames get past the checksum checks into the state
 * machine and the record), then records [dir, len hi, len lo] + len
 * frame bytes (Ethernet onwards); each frame is decoded with mg_pkt_parse
 * and, when it is an unfragmented TCP segment, normalised (a 4 KiB record
 * so the bounds are reached). Checks the module's promises: a refused
 * segment changes nothing (the state is byte-identical), the record never
 * counts more bytes than its ring holds, and an empty record holds no
 * buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mg_pkt.h"
#include "mg_tcpnorm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_tcpn_cfg cfg = {.rec_size = 4096};
	struct mg_tcpn n, before;
	size_t at = 1;

	if (size == 0)
		return 0;
	cfg.host_capture = data[0] & 1;

	mg_tcpn_init(&n);
	while (size - at >= 3) {
		uint8_t dir = data[at] & 1;
		size_t len = (size_t)data[at + 1] << 8 | data[at + 2];
		at += 3;
		if (len > size - at)
			len = size - at;
		/* Exact-size copy so ASan catches any over-read. */
		uint8_t *f = malloc(len ? len : 1);
		if (f == NULL)
			break;
		memcpy(f, data + at, len);
		at += len;
		struct mg_pkt pk;
		if (mg_pkt_parse(f, len, &pk) == MG_PKT_OK && pk.ip_ver && pk.ip_proto == 6 &&
		    !pk.frag) {
			before = n;
			enum mg_reason why = mg_tcpn_segment(&cfg, &n, dir, f, &pk, 0, NULL);
			if (why != MG_R_NONE && memcmp(&before, &n, sizeof(n)) != 0)
				abort(); /* a refused segment changed the state */
			for (int d = 0; d < 2; d++) {
				if (n.d[d].rec_have > cfg.rec_size)
					abort();
				if (n.d[d].rec == NULL && n.d[d].rec_have != 0)
					abort();
			}
		}
		free(f);
	}
	mg_tcpn_release(&cfg, &n);
	return 0;
}
