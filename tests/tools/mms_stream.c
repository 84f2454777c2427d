/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mg-mms-stream: prints the TPKT/COTP stream bytes of client requests, one
 * hex line per argument, built by the generator library, for test tools that
 * do their own TCP (tests/scripts/tcp_raw.py): the bytes are the project's
 * single source of truth, never hand-written BER.
 *   cr                 COTP connection request
 *   assoc              CN + AARQ + MMS initiate-request in one DT
 *   read INVOKE [LEN]  read of IED1CTRL/XCBR1$ST$Pos, or of padded names
 *                      making the stream exactly LEN bytes (LEN >= 70)
 *   operate INVOKE     write of an Oper structure to IED1CTRL/CSWI1$CO$Pos$Oper
 *   conclude           MMS conclude-request
 * Exits 2 on bad arguments, 1 when a length cannot be built.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mg_gen.h"

static uint8_t pdu[65536], out[70000], tsdu[70000];
static struct mg_gen_conn conn;

static void hex(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	putchar('\n');
}

static size_t wrap(size_t m)
{
	return m ? mg_gen_conn_wrap_mms(&conn, out, sizeof(out), pdu, m) : 0;
}

/* A read of k names (k-1 padded with a, the last with b) whose stream is
 * exactly len bytes; 0 when none is. */
static size_t read_len_k(uint32_t invoke, size_t len, size_t k)
{
	static char names[64][200];
	const char *np[64];
	static char qs[160];

	memset(qs, 'q', sizeof(qs) - 1);
	if (k > 64)
		return 0;
	for (size_t a = 0; a < 120; a++)
		for (size_t b = 0; b < 150; b++) {
			for (size_t i = 0; i < k; i++) {
				size_t pad = i + 1 == k ? b : a;
				snprintf(names[i], sizeof(names[i]), "IED1CTRL/XCBR1$ST$Pos%.*s",
				         (int)pad, qs);
				np[i] = names[i];
			}
			size_t s = wrap(mg_gen_mms_read(pdu, sizeof(pdu), invoke, np, (int)k));
			if (s == len)
				return s;
			if (s > len)
				break;
		}
	return 0;
}

/* Length jumps where a BER length grows a byte: try one more name. */
static size_t read_len(uint32_t invoke, size_t len)
{
	for (size_t k = len / 120 + 1; k < len / 120 + 4; k++) {
		size_t s = read_len_k(invoke, len, k);
		if (s)
			return s;
	}
	return 0;
}

int main(int argc, char **argv)
{
	mg_gen_conn_init4(&conn, 0, 0, 0, 102, (struct mg_gen_sink){0});
	for (int i = 1; i < argc; i++) {
		const char *c = argv[i];
		size_t n = 0;

		if (strcmp(c, "cr") == 0) {
			n = mg_gen_cotp_cr(out, sizeof(out), conn.cotp_ref[0]);
		} else if (strcmp(c, "assoc") == 0) {
			size_t m = mg_gen_mms_initiate_req(pdu, sizeof(pdu), 65000);
			size_t t = mg_gen_osi_connect_req(tsdu, sizeof(tsdu), &conn.ctx, pdu, m);
			n = t ? mg_gen_cotp_dt(out, sizeof(out), tsdu, t, 0) : 0;
		} else if (strcmp(c, "read") == 0 && i + 1 < argc) {
			uint32_t inv = (uint32_t)strtoul(argv[++i], NULL, 0);
			size_t len = 0;
			if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9')
				len = strtoul(argv[++i], NULL, 0);
			if (len) {
				n = read_len(inv, len);
			} else {
				const char *nm[1] = {"IED1CTRL/XCBR1$ST$Pos"};
				n = wrap(mg_gen_mms_read(pdu, sizeof(pdu), inv, nm, 1));
			}
		} else if (strcmp(c, "operate") == 0 && i + 1 < argc) {
			uint32_t inv = (uint32_t)strtoul(argv[++i], NULL, 0);
			n = wrap(mg_gen_mms_write_oper(
			    pdu, sizeof(pdu), inv, "IED1CTRL/CSWI1$CO$Pos$Oper", true, 1, true));
		} else if (strcmp(c, "conclude") == 0) {
			n = wrap(mg_gen_mms_conclude_req(pdu, sizeof(pdu)));
		} else {
			fprintf(stderr, "usage: mg-mms-stream {cr | assoc | read INVOKE [LEN] | "
			                "operate INVOKE | conclude}...\n");
			return 2;
		}
		if (n == 0) {
			fprintf(stderr, "mg-mms-stream: cannot build %s\n", c);
			return 1;
		}
		hex(out, n);
	}
	return 0;
}
