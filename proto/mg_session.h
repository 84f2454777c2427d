/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ISO 8327-1 session layer (kernel functional unit, as IEC 61850 uses it).
 * Parses one TSDU (a complete COTP TSDU) into its SPDU kind and the session
 * user data it carries (a presentation PPDU). In the data phase a TSDU holds
 * GIVE-TOKENS (SI 1, empty) followed by DATA TRANSFER (SI 1) and user data.
 * Parameters are walked with one- and three-byte length forms and skipped
 * unless needed; PGI/PI units nest at most one level (no recursion).
 */
#ifndef MG_SESSION_H
#define MG_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "mg_status.h"

enum mg_ses_kind {
	MG_SES_CN = 13, /* CONNECT */
	MG_SES_AC = 14, /* ACCEPT */
	MG_SES_RF = 12, /* REFUSE */
	MG_SES_FN = 9,  /* FINISH */
	MG_SES_DN = 10, /* DISCONNECT */
	MG_SES_NF = 8,  /* NOT FINISHED */
	MG_SES_AB = 25, /* ABORT */
	MG_SES_AA = 26, /* ABORT ACCEPT */
	MG_SES_DT = 1,  /* GIVE TOKENS + DATA TRANSFER (data phase) */
};

struct mg_ses_spdu {
	uint8_t kind;        /* enum mg_ses_kind */
	const uint8_t *user; /* session user data (PPDU), NULL if none */
	size_t user_len;
};

/* Parse one complete TSDU. */
enum mg_status mg_ses_parse(const uint8_t *p, size_t len, struct mg_ses_spdu *s,
			    enum mg_reason *why);

const char *mg_ses_kind_str(uint8_t kind); /* "CN", "AC", … "DT" */

#endif
