/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Status and reason codes shared by every protocol parser.
 *
 * Parsers return an enum mg_status and, on MG_MALFORMED / MG_NOT_MMS, set an
 * enum mg_reason. Reasons are an enum (not free text) so the dataplane can
 * keep one named drop counter per reason, VPP-style, without string work on
 * the packet path. The names live in mg_reasons.def (X-macro).
 */
#ifndef MG_STATUS_H
#define MG_STATUS_H

enum mg_status {
	MG_OK = 0,        /* parsed; outputs valid */
	MG_NEED_MORE = 1, /* input is a valid prefix, more bytes needed */
	MG_MALFORMED = 2, /* input violates the protocol; see reason */
	MG_NOT_MMS = 3,   /* well-formed but another protocol (e.g. S7comm) */
};

enum mg_reason {
#define MG_REASON(sym, str) MG_R_##sym,
#include "mg_reasons.def"
#undef MG_REASON
	MG_R__COUNT
};

/* Stable, human-readable, snake_case name of a reason ("ber_len_overflow"). */
const char *mg_reason_str(enum mg_reason r);
const char *mg_status_str(enum mg_status s);

#endif
