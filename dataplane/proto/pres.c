/* SPDX-License-Identifier: BSD-3-Clause */
/* ISO 8823 presentation layer (placeholder until the full parser lands). */
#include "mg_pres.h"

void mg_pres_ctx_init(struct mg_pres_ctx *c)
{
	c->acse_id = -1;
	c->mms_id = -1;
	c->proposed = false;
	c->accepted = false;
}

enum mg_status mg_pres_parse(const uint8_t *p, size_t len, uint8_t ses_kind,
			     struct mg_pres_ctx *ctx, struct mg_pres_ppdu *out,
			     enum mg_reason *why)
{
	out->kind = 0;
	out->ctx_id = -1;
	out->abstract = MG_PRES_AS_UNKNOWN;
	out->user = NULL;
	out->user_len = 0;
	*why = MG_R_PRES_PPDU;
	return MG_MALFORMED;
}

const char *mg_pres_kind_str(uint8_t kind)
{
	return "?";
}
