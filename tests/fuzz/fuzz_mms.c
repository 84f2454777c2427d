/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: mg_mms_parse on one MMS PDU. The input is copied into
 * an exact-size heap buffer so ASan catches any read past the PDU; the
 * decoded object views are then touched end to end so a view pointing
 * outside the PDU is caught too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mg_mms.h"

static volatile uint32_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);
	if (!p)
		return 0;
	memcpy(p, data, size);
	static struct mg_mms_pdu pdu;
	enum mg_reason why = MG_R_NONE;
	enum mg_status s = mg_mms_parse(p, size, &pdu, &why);
	if (s == MG_OK) {
		if (pdu.nobj > MG_MMS_MAX_OBJS)
			abort();
		for (uint16_t i = 0; i < pdu.nobj; i++) {
			const struct mg_mms_obj *o = &pdu.obj[i];
			for (uint16_t k = 0; o->domain && k < o->domain_len; k++)
				sink += o->domain[k];
			for (uint16_t k = 0; o->item && k < o->item_len; k++)
				sink += o->item[k];
		}
		if (pdu.type >= MG_MMS_PDU__COUNT || !mg_mms_pdu_str(pdu.type))
			abort();
	} else if (s == MG_MALFORMED && (why == MG_R_NONE || why >= MG_R__COUNT)) {
		abort(); /* a malformed verdict must say why */
	}
	free(p);
	return 0;
}
