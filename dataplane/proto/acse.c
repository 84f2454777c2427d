/* SPDX-License-Identifier: BSD-3-Clause */
/* ACSE (ISO 8650) APDUs (placeholder until the full parser lands). */
#include "mg_acse.h"

enum mg_status mg_acse_parse(const uint8_t *p, size_t len, struct mg_acse_apdu *out,
			     enum mg_reason *why)
{
	out->kind = 0;
	out->result = -1;
	out->reason = -1;
	out->has_auth = false;
	out->user = NULL;
	out->user_len = 0;
	*why = MG_R_ACSE_APDU;
	return MG_MALFORMED;
}

const char *mg_acse_kind_str(uint8_t kind)
{
	return "?";
}
