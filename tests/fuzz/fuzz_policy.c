/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the policy compiler: arbitrary bytes as policy text
 * through lexer → parser → check → compile, then show/JSON/export and a
 * few verdicts on whatever compiled. Includes resolve relative to the
 * working directory; the fuzzer rarely produces a readable path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mg_policy.h"
#include "mg_policy_export.h"
#include "pol_internal.h" /* mg_pol_regex_max: exercise both pattern databases */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 64 * 1024)
		return 0;
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	mg_pol_regex_max = (size & 1) ? 0 : 32;
	struct mg_diags d;
	mg_diags_init(&d);
	struct mg_policy *p = mg_policy_compile_string("fuzz.policy", text, &d);
	static FILE *devnull;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (devnull)
		mg_diags_print(&d, devnull);
	if (p) {
		if (devnull) {
			mg_policy_print(p, devnull);
			mg_policy_print_json(p, devnull);
		}
		struct mg_policy_export x;
		mg_policy_export(p, &x);
		struct mg_addr c = {.ver = 4, .a = {10, 0, 0, 1}},
		               s = {.ver = 4, .a = {10, 1, 0, 1}};
		struct mg_policy_peer peer;
		uint32_t line;
		mg_policy_conn(p, &c, &s, 6, 40000, 102, &peer, &line);
		mg_policy_l2(p, 0x88B8, 100);
		struct mg_mms_pdu pdu;
		memset(&pdu, 0, sizeof(pdu));
		pdu.type = MG_MMS_CONFIRMED_REQUEST;
		pdu.service = MG_SVC_WRITE;
		pdu.nobj = 1;
		pdu.obj[0].scope = MG_OBJ_DOMAIN;
		pdu.obj[0].domain = (const uint8_t *)"CTRL";
		pdu.obj[0].domain_len = 4;
		pdu.obj[0].item = (const uint8_t *)"XCBR1$CO$Pos$Oper";
		pdu.obj[0].item_len = 17;
		struct mg_policy_scratch *sc = mg_policy_scratch_new();
		struct mg_verdict v;
		mg_policy_mms_verdict(p, sc, &peer, true, &pdu, &v);
		pdu.obj_truncated = true;
		mg_policy_mms_verdict(p, sc, &peer, true, &pdu, &v);
		mg_policy_scratch_free(sc);
		mg_policy_free(p);
	}
	mg_diags_free(&d);
	free(text);
	return 0;
}
