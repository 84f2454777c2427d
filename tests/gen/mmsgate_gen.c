/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mmsgate-gen: writes the generator's named scenarios as pcap files.
 *   mmsgate-gen --list
 *   mmsgate-gen SCENARIO OUT.pcap
 *   mmsgate-gen --all DIR          (one DIR/SCENARIO.pcap per scenario)
 *   mmsgate-gen --corpus DIR       (fuzz seeds: DIR/{mms,engine,stream}/)
 * Used by the differential test, the fuzz corpus and to refresh
 * examples/captures/substation-demo.pcap.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "mg_gen.h"

static int usage(void)
{
	fprintf(stderr, "usage: mmsgate-gen --list | SCENARIO OUT.pcap | --all DIR | --corpus DIR\n");
	return 2;
}

/* ------------------------------------------------------------ fuzz seeds */

static const char *corpus_dir;
static int corpus_err;

static void put_file(const char *sub, const char *name, const uint8_t *p, size_t n)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", corpus_dir, sub);
	if (mkdir(path, 0755) && errno != EEXIST)
		corpus_err = 1;
	snprintf(path, sizeof(path), "%s/%s/%s", corpus_dir, sub, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n)
		corpus_err = 1;
	if (f && fclose(f))
		corpus_err = 1;
}

/* Stream seeds: the in-order stream cut into 240-byte segments (offsets in
 * fuzz_stream's 16-byte units), optionally with the first two swapped. */
static void put_stream_seed(const char *name, const uint8_t *p, size_t n, bool swap)
{
	static uint8_t out[70000];
	size_t k = 0, nseg = (n + 239) / 240;
	out[k++] = 0;
	for (size_t j = 0; j < nseg && k + 243 < sizeof(out); j++) {
		size_t i = swap && nseg > 1 && j < 2 ? 1 - j : j;
		size_t len = n - i * 240 < 240 ? n - i * 240 : 240;
		out[k++] = (uint8_t)((i * 15) >> 8);
		out[k++] = (uint8_t)(i * 15);
		out[k++] = (uint8_t)len;
		memcpy(out + k, p + i * 240, len);
		k += len;
	}
	put_file("stream", name, out, k);
}

static void put_engine_seed(const char *name, uint8_t flags, const uint8_t *p, size_t n)
{
	static uint8_t out[70000];
	if (n + 3 > sizeof(out))
		return;
	out[0] = flags;
	out[1] = (uint8_t)(n / 2);
	out[2] = (uint8_t)((n / 2) >> 8);
	memcpy(out + 3, p, n);
	put_file("engine", name, out, n + 3);
}

static int write_corpus(const char *dir)
{
	static uint8_t pdu[8192], stream[2][65536], tsdu[8192];
	size_t sl[2] = {0, 0};
	uint8_t name[64];
	struct mg_gen_conn c;
	struct mg_gen_sink none = {NULL, NULL};
	corpus_dir = dir;
	if (mkdir(dir, 0755) && errno != EEXIST)
		return 1;
	mg_gen_conn_init4(&c, 0x0A000001, 40000, 0x0A000002, 102, none);
	c.ctx.acse = 1;
	c.ctx.mms = 3;

	/* association set-up in both directions */
	sl[0] += mg_gen_cotp_cr(stream[0], sizeof(stream[0]), 1);
	sl[1] += mg_gen_cotp_cc(stream[1], sizeof(stream[1]), 1, 2);
	size_t n = mg_gen_mms_initiate_req(pdu, sizeof(pdu), 65000);
	put_file("mms", "initiate-req", pdu, n);
	n = mg_gen_osi_connect_req(tsdu, sizeof(tsdu), &c.ctx, pdu, n);
	sl[0] += mg_gen_cotp_dt(stream[0] + sl[0], sizeof(stream[0]) - sl[0], tsdu, n, 0);
	n = mg_gen_mms_initiate_resp(pdu, sizeof(pdu), 65000);
	put_file("mms", "initiate-resp", pdu, n);
	n = mg_gen_osi_connect_resp(tsdu, sizeof(tsdu), &c.ctx, pdu, n);
	sl[1] += mg_gen_cotp_dt(stream[1] + sl[1], sizeof(stream[1]) - sl[1], tsdu, n, 0);

	static const char *const objs[] = {"LD0/XCBR1$ST$Pos", "LD0/MMXU1$MX$TotW", "vmdv",
					   "@aav"};
	static const struct mg_gen_data vals[2] = {{.kind = MG_GEN_D_BOOL, .i = 1},
						   {.kind = MG_GEN_D_FLOAT, .f = 2.5f}};
	static const char *const ids[] = {"LD0", "LD1"};
#define ADD(nm, d, expr)                                                                        \
	do {                                                                                    \
		size_t l_ = (expr);                                                             \
		put_file("mms", nm, pdu, l_);                                                   \
		sl[d] += mg_gen_conn_wrap_mms(&c, stream[d] + sl[d], sizeof(stream[d]) - sl[d], \
					      pdu, l_);                                         \
	} while (0)
	ADD("read", 0, mg_gen_mms_read(pdu, sizeof(pdu), 1, objs, 4));
	ADD("read-resp", 1, mg_gen_mms_read_resp(pdu, sizeof(pdu), 1, vals, 2));
	ADD("write-oper", 0,
	    mg_gen_mms_write_oper(pdu, sizeof(pdu), 2, "LD0/CSWI1$CO$Pos$Oper", true, 1, true));
	ADD("write-resp", 1, mg_gen_mms_write_resp(pdu, sizeof(pdu), 2, 1, 0));
	ADD("write-multi", 0, mg_gen_mms_write(pdu, sizeof(pdu), 3, objs, vals, 2));
	ADD("gnl", 0, mg_gen_mms_get_name_list(pdu, sizeof(pdu), 4, 0, "LD0", "XCBR1"));
	ADD("gnl-resp", 1, mg_gen_mms_get_name_list_resp(pdu, sizeof(pdu), 4, ids, 2, true));
	ADD("gvaa", 0, mg_gen_mms_gvaa(pdu, sizeof(pdu), 5, "LD0/XCBR1$ST"));
	ADD("gvaa-resp", 1, mg_gen_mms_gvaa_resp(pdu, sizeof(pdu), 5));
	ADD("dnvl", 0, mg_gen_mms_define_nvl(pdu, sizeof(pdu), 6, "LD0/LLN0$DS", objs, 2));
	ADD("gnvla", 0, mg_gen_mms_get_nvl_attr(pdu, sizeof(pdu), 7, "LD0/LLN0$DS"));
	ADD("delnvl", 0, mg_gen_mms_delete_nvl(pdu, sizeof(pdu), 8, "LD0/LLN0$DS"));
	ADD("fopen", 0, mg_gen_mms_file_open(pdu, sizeof(pdu), 9, "/COMTRADE/x.cfg"));
	ADD("fopen-resp", 1, mg_gen_mms_file_open_resp(pdu, sizeof(pdu), 9, 1, 100));
	ADD("fread", 0, mg_gen_mms_file_read(pdu, sizeof(pdu), 10, 1));
	ADD("fclose", 0, mg_gen_mms_file_close(pdu, sizeof(pdu), 11, 1));
	ADD("fdir", 0, mg_gen_mms_file_directory(pdu, sizeof(pdu), 12, "/"));
	ADD("fdir-resp", 1, mg_gen_mms_file_directory_resp(pdu, sizeof(pdu), 12, ids, 2));
	ADD("fdel", 0, mg_gen_mms_file_delete(pdu, sizeof(pdu), 13, "/x"));
	ADD("obtain", 0, mg_gen_mms_obtain_file(pdu, sizeof(pdu), 14, "/a", "/b"));
	ADD("rjournal", 0, mg_gen_mms_read_journal(pdu, sizeof(pdu), 15, "LD0/LLN0$Log"));
	ADD("identify", 0, mg_gen_mms_identify(pdu, sizeof(pdu), 16));
	ADD("identify-resp", 1, mg_gen_mms_identify_resp(pdu, sizeof(pdu), 16, "v", "m", "r"));
	ADD("status", 0, mg_gen_mms_status(pdu, sizeof(pdu), 17));
	ADD("report", 1, mg_gen_mms_info_report(pdu, sizeof(pdu), "RPT", vals, 2));
	ADD("error", 1, mg_gen_mms_confirmed_error(pdu, sizeof(pdu), 17, 7, 2));
	ADD("reject", 1, mg_gen_mms_reject(pdu, sizeof(pdu), 18, 1, 1));
	ADD("cancel", 0, mg_gen_mms_cancel_req(pdu, sizeof(pdu), 19));
	ADD("conclude", 0, mg_gen_mms_conclude_req(pdu, sizeof(pdu)));
	ADD("conclude-resp", 1, mg_gen_mms_conclude_resp(pdu, sizeof(pdu)));
#undef ADD
	n = mg_gen_osi_release_req(tsdu, sizeof(tsdu), &c.ctx);
	sl[0] += mg_gen_cotp_dt(stream[0] + sl[0], sizeof(stream[0]) - sl[0], tsdu, n, 0);
	n = mg_gen_osi_release_resp(tsdu, sizeof(tsdu), &c.ctx);
	sl[1] += mg_gen_cotp_dt(stream[1] + sl[1], sizeof(stream[1]) - sl[1], tsdu, n, 0);

	put_engine_seed("assoc-c2s", 0, stream[0], sl[0]);
	{
		/* both directions: [len of client stream][client][server] */
		static uint8_t both[2 + sizeof(stream)];
		both[0] = (uint8_t)(sl[0] >> 8);
		both[1] = (uint8_t)sl[0];
		memcpy(both + 2, stream[0], sl[0]);
		memcpy(both + 2 + sl[0], stream[1], sl[1]);
		put_engine_seed("assoc-both", 8, both, 2 + sl[0] + sl[1]);
	}
	put_stream_seed("assoc-c2s", stream[0], sl[0], false);
	put_stream_seed("assoc-c2s-ooo", stream[0], sl[0], true);
	put_stream_seed("assoc-s2c", stream[1], sl[1], false);

	/* Data-phase only (mid-stream pickup), non-default contexts, and COTP
	 * fragmentation into 24-byte DT TPDUs. */
	c.ctx.acse = 5;
	c.ctx.mms = 7;
	c.tpdu_max = 24;
	for (int i = 0; i < 8; i++) {
		size_t l = mg_gen_mms_read(pdu, sizeof(pdu), (uint32_t)(100 + i), objs, 1 + i % 4);
		l = mg_gen_conn_wrap_mms(&c, stream[0], sizeof(stream[0]), pdu, l);
		snprintf((char *)name, sizeof(name), "frag-%d", i);
		put_engine_seed((const char *)name, 1, stream[0], l);
	}
	/* S7comm on 102. */
	static const uint8_t s7[] = {0x32, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00,
				     0x00, 0xF0, 0x00, 0x00, 0x01, 0x00, 0x01, 0x01, 0xE0};
	n = mg_gen_cotp_cr(stream[0], sizeof(stream[0]), 5);
	n += mg_gen_cotp_dt(stream[0] + n, sizeof(stream[0]) - n, s7, sizeof(s7), 0);
	put_engine_seed("s7comm", 0, stream[0], n);
	return corpus_err;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (int i = 0; i < mg_gen_nscenarios; i++)
			printf("%-16s %s\n", mg_gen_scenarios[i].name, mg_gen_scenarios[i].what);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "--all")) {
		int rc = 0;
		for (int i = 0; i < mg_gen_nscenarios; i++) {
			char path[4096];
			snprintf(path, sizeof(path), "%s/%s.pcap", argv[2], mg_gen_scenarios[i].name);
			if (mg_gen_scenario_write(&mg_gen_scenarios[i], path)) {
				perror(path);
				rc = 1;
			}
		}
		return rc;
	}
	if (argc == 3 && !strcmp(argv[1], "--corpus"))
		return write_corpus(argv[2]);
	if (argc != 3 || argv[1][0] == '-')
		return usage();
	const struct mg_gen_scenario *s = mg_gen_scenario_find(argv[1]);
	if (!s) {
		fprintf(stderr, "mmsgate-gen: unknown scenario '%s' (see --list)\n", argv[1]);
		return 2;
	}
	if (mg_gen_scenario_write(s, argv[2])) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
