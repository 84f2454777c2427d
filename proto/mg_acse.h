/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ACSE (ISO 8650 / X.227): AARQ, AARE, RLRQ, RLRE, ABRT. Extracts the AARE
 * result and the MMS PDU carried in user-information (EXTERNAL, single-ASN1-
 * type or octet-aligned). Authentication fields (mechanism name,
 * calling-authentication-value) are parsed and skipped, never rejected.
 */
#ifndef MG_ACSE_H
#define MG_ACSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg_status.h"

enum mg_acse_kind {
	MG_ACSE_AARQ = 0, /* [APPLICATION 0] */
	MG_ACSE_AARE = 1,
	MG_ACSE_RLRQ = 2,
	MG_ACSE_RLRE = 3,
	MG_ACSE_ABRT = 4,
};

struct mg_acse_apdu {
	uint8_t kind;        /* enum mg_acse_kind */
	int32_t result;      /* AARE: 0 accepted, 1 rejected-permanent,
	                        2 rejected-transient; -1 absent */
	int32_t reason;      /* RLRQ/RLRE reason, ABRT source; -1 absent */
	bool has_auth;       /* AARQ carried authentication */
	const uint8_t *user; /* MMS PDU from user-information, NULL if none */
	size_t user_len;
	int32_t user_ctx;    /* EXTERNAL indirect-reference (presentation
	                        context of user), -1 absent (added by acse.c) */
};

enum mg_status mg_acse_parse(const uint8_t *p, size_t len, struct mg_acse_apdu *out,
			     enum mg_reason *why);

const char *mg_acse_kind_str(uint8_t kind); /* "AARQ", … */

#endif
