/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: mg_refuse_plan on one (attacker-controlled) MMS PDU,
 * then, for a planned answer, mg_refuse_build at several TPDU sizes. The
 * input is copied into an exact-size heap buffer so ASan catches any read
 * past it. Properties checked: an answer never exceeds
 * mg_refuse_buf_size(), and its MMS PDU decodes (mg_mms_parse) as a
 * confirmed response or error with the request's invokeID.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mg_mms.h"
#include "mg_refuse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);
	if (!p)
		return 0;
	memcpy(p, data, size);
	struct mg_refuse_req r;
	enum mg_reason why = MG_R_NONE;
	enum mg_status s = mg_refuse_plan(p, size, &r, &why);
	if (s == MG_MALFORMED && (why == MG_R_NONE || why >= MG_R__COUNT))
		abort(); /* a malformed verdict must say why */
	if (s == MG_OK && r.kind == MG_REFUSE_REPLY) {
		static uint8_t out[65536 + 8192], mms[65536];
		static struct mg_mms_pdu pdu;
		size_t mn = mg_refuse_build_mms(&r, mms, sizeof(mms));
		if (mn == 0)
			abort();
		if (mg_mms_parse(mms, mn, &pdu, &why) != MG_OK || !pdu.has_invoke_id ||
		    pdu.invoke_id != r.invoke_id ||
		    (pdu.type != MG_MMS_CONFIRMED_RESPONSE && pdu.type != MG_MMS_CONFIRMED_ERROR))
			abort();
		static const uint32_t tpdu[] = {0, 128, 1024, 65531};
		for (unsigned i = 0; i < sizeof(tpdu) / sizeof(tpdu[0]); i++) {
			size_t cap = mg_refuse_buf_size(&r, tpdu[i]);
			if (cap == 0 || cap > sizeof(out))
				abort();
			size_t n = mg_refuse_build(&r, 3, tpdu[i], out, cap);
			if (n == 0 || n > cap)
				abort();
		}
	}
	free(p);
	return 0;
}
