/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ISO 8823 presentation layer (normal mode, BER): CP, CPA, CPR, ARU/ARP and
 * the fully-encoded user data of the data phase. Owns the presentation
 * context table of one association: which context id carries ACSE
 * (2.2.1.0.1) and which carries MMS (1.0.9506.2.1). Ids are whatever the
 * initiator proposed in CP (vendors use other ids than 1 and 3); CPA
 * results confirm them.
 */
#ifndef MG_PRES_H
#define MG_PRES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg_status.h"

#define MG_PRES_OID_ACSE "2.2.1.0.1"
#define MG_PRES_OID_MMS "1.0.9506.2.1"

/* Per-association context table; zero-initialise, then mg_pres_ctx_init(). */
struct mg_pres_ctx {
	int32_t acse_id; /* -1 unknown */
	int32_t mms_id;  /* -1 unknown */
	bool proposed;   /* CP seen */
	bool accepted;   /* CPA seen */
	/* Added by pres.c: where ACSE and MMS sat in CP's definition list, so
	 * CPA's result list (same order) can confirm or withdraw them. */
	uint8_t n_proposed; /* entries in CP's definition list */
	int8_t acse_idx;    /* -1 unknown */
	int8_t mms_idx;     /* -1 unknown */
};

void mg_pres_ctx_init(struct mg_pres_ctx *c);

enum mg_pres_kind {
	MG_PRES_CP = 1,  /* CP-type (connect request) */
	MG_PRES_CPA,     /* CPA-PPDU (connect accept) */
	MG_PRES_CPR,     /* CPR-PPDU (connect reject) */
	MG_PRES_TD,      /* fully-encoded user data (data phase, or FN/DN/AB user data) */
	MG_PRES_ARU,     /* abnormal release, user */
	MG_PRES_ARP,     /* abnormal release, provider */
};

enum mg_pres_abstract {
	MG_PRES_AS_UNKNOWN = 0,
	MG_PRES_AS_ACSE,
	MG_PRES_AS_MMS,
};

struct mg_pres_ppdu {
	uint8_t kind;        /* enum mg_pres_kind */
	int32_t ctx_id;      /* context id of the first PDV, -1 if none */
	uint8_t abstract;    /* enum mg_pres_abstract of ctx_id per the table */
	const uint8_t *user; /* single-ASN1-type content of the first PDV (an
	                        ACSE APDU or an MMS PDU), NULL if none */
	size_t user_len;
};

/*
 * Parse the PPDU carried in a session SPDU. `ses_kind` (enum mg_ses_kind)
 * says which PPDU to expect: CN → CP, AC → CPA, RF → CPR, DT/FN/DN → user
 * data, AB → ARU/ARP. The context table is updated from CP/CPA.
 */
enum mg_status mg_pres_parse(const uint8_t *p, size_t len, uint8_t ses_kind,
			     struct mg_pres_ctx *ctx, struct mg_pres_ppdu *out,
			     enum mg_reason *why);

const char *mg_pres_kind_str(uint8_t kind);

#endif
