/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ISO 8327-1 session layer, kernel functional unit as IEC 61850 (and
 * libiec61850) uses it. One call parses one complete TSDU: either a single
 * connection-phase SPDU (CN, AC, RF, FN, DN, NF, AB, AA) whose user data sits
 * in PGI 193/194, or the data-phase pair GIVE-TOKENS + DATA TRANSFER followed
 * by the user data. Parameter units are walked flat: a PGI that groups PIs
 * (1 Connection Identifier, 5 Connect/Accept Item) is entered once, every
 * length is bounded by its parent, and nothing recurses.
 */
#include "mg_session.h"

#include <stdbool.h>

/* Session parameter codes that matter here (ISO 8327-1 §8.3). */
#define SES_PGI_CONN_ID 1     /* Connection Identifier: groups PIs */
#define SES_PGI_CONN_ACCEPT 5 /* Connect/Accept Item: groups PIs */
#define SES_PI_REASON 50      /* Refuse: Reason Code (may carry user data) */
#define SES_PGI_USER_DATA 193
#define SES_PGI_EXT_USER_DATA 194

/* RF reason code 2 = "rejection by the called SS-user": user data follows. */
#define SES_RF_REASON_USER 2

/*
 * Read a session length indicator at p[*off]: one octet 0..254, or 0xFF and
 * two more octets (big endian). Advances *off. The caller bounds the result.
 */
static bool ses_li(const uint8_t *p, size_t len, size_t *off, size_t *out)
{
	if (*off >= len)
		return false;
	uint8_t l0 = p[(*off)++];

	if (l0 != 0xff) {
		*out = l0;
		return true;
	}
	if (len - *off < 2)
		return false;
	*out = ((size_t)p[*off] << 8) | p[*off + 1];
	*off += 2;
	return true;
}

/*
 * One SPDU header at p[0..len): SI, LI. On success *par / *par_len is the
 * parameter field, *end the offset just past the SPDU.
 */
static enum mg_status ses_hdr(const uint8_t *p, size_t len, uint8_t *si, const uint8_t **par,
			      size_t *par_len, size_t *end, enum mg_reason *why)
{
	size_t off = 1, li;

	if (len < 2) {
		*why = MG_R_SES_TRUNCATED;
		return MG_MALFORMED;
	}
	*si = p[0];
	if (!ses_li(p, len, &off, &li) || li > len - off) {
		*why = MG_R_SES_TRUNCATED;
		return MG_MALFORMED;
	}
	*par = p + off;
	*par_len = li;
	*end = off + li;
	return MG_OK;
}

/* Walk the PIs inside a grouping PGI: each must fit in the group. */
static bool ses_walk_pis(const uint8_t *p, size_t len)
{
	size_t off = 0;

	while (off < len) {
		size_t l;

		off++; /* PI code */
		if (!ses_li(p, len, &off, &l) || l > len - off)
			return false;
		off += l;
	}
	return true;
}

/*
 * Walk the parameter field of a connection-phase SPDU. User data is PGI 193
 * (or 194, extended) and must appear at most once; RF may instead carry it
 * after the reason octet of PI 50.
 */
static enum mg_status ses_walk_params(uint8_t si, const uint8_t *p, size_t len,
				      struct mg_ses_spdu *s, enum mg_reason *why)
{
	size_t off = 0;

	while (off < len) {
		uint8_t code = p[off++];
		size_t l;

		if (!ses_li(p, len, &off, &l) || l > len - off) {
			*why = MG_R_SES_PARAM;
			return MG_MALFORMED;
		}
		const uint8_t *v = p + off;

		off += l;
		switch (code) {
		case SES_PGI_CONN_ID:
		case SES_PGI_CONN_ACCEPT:
			if (!ses_walk_pis(v, l)) {
				*why = MG_R_SES_PARAM;
				return MG_MALFORMED;
			}
			break;
		case SES_PGI_USER_DATA:
		case SES_PGI_EXT_USER_DATA:
			if (s->user != NULL || l == 0) {
				/* Two user-data units would let one hide
				 * behind the other; empty is meaningless. */
				*why = MG_R_SES_PARAM;
				return MG_MALFORMED;
			}
			s->user = v;
			s->user_len = l;
			break;
		case SES_PI_REASON:
			if (si == MG_SES_RF && l > 1 && v[0] == SES_RF_REASON_USER) {
				if (s->user != NULL) {
					*why = MG_R_SES_PARAM;
					return MG_MALFORMED;
				}
				s->user = v + 1;
				s->user_len = l - 1;
			}
			break;
		default:
			break; /* any other PI/PGI: skipped, length already checked */
		}
	}
	return MG_OK;
}

static bool ses_known_connection_spdu(uint8_t si)
{
	switch (si) {
	case MG_SES_CN:
	case MG_SES_AC:
	case MG_SES_RF:
	case MG_SES_FN:
	case MG_SES_DN:
	case MG_SES_NF:
	case MG_SES_AB:
	case MG_SES_AA: return true;
	}
	return false;
}

/*
 * Data phase: GIVE-TOKENS (SI 1, normally LI 0) then DATA TRANSFER (SI 1,
 * LI 0 or with parameters such as Enclosure Item), then the user data up to
 * the end of the TSDU.
 */
static enum mg_status ses_parse_data(const uint8_t *p, size_t len, struct mg_ses_spdu *s,
				     enum mg_reason *why)
{
	uint8_t si;
	const uint8_t *par;
	size_t par_len, end;
	enum mg_status st;

	st = ses_hdr(p, len, &si, &par, &par_len, &end, why);
	if (st != MG_OK)
		return st;
	if (!ses_walk_pis(par, par_len)) {
		*why = MG_R_SES_PARAM;
		return MG_MALFORMED;
	}
	p += end;
	len -= end;
	if (len == 0 || p[0] != MG_SES_DT) {
		*why = MG_R_SES_GT_WITHOUT_DT;
		return MG_MALFORMED;
	}
	st = ses_hdr(p, len, &si, &par, &par_len, &end, why);
	if (st != MG_OK)
		return st;
	if (!ses_walk_pis(par, par_len)) {
		*why = MG_R_SES_PARAM;
		return MG_MALFORMED;
	}
	if (end == len) {
		*why = MG_R_SES_NO_USER_DATA;
		return MG_MALFORMED;
	}
	s->kind = MG_SES_DT;
	s->user = p + end;
	s->user_len = len - end;
	return MG_OK;
}

enum mg_status mg_ses_parse(const uint8_t *p, size_t len, struct mg_ses_spdu *s,
			    enum mg_reason *why)
{
	uint8_t si;
	const uint8_t *par;
	size_t par_len, end;
	enum mg_status st;

	s->kind = 0;
	s->user = NULL;
	s->user_len = 0;
	if (len == 0) {
		*why = MG_R_SES_TRUNCATED;
		return MG_MALFORMED;
	}
	if (p[0] == MG_SES_DT)
		return ses_parse_data(p, len, s, why);
	if (!ses_known_connection_spdu(p[0])) {
		*why = MG_R_SES_SPDU;
		return MG_MALFORMED;
	}
	st = ses_hdr(p, len, &si, &par, &par_len, &end, why);
	if (st != MG_OK)
		return st;
	st = ses_walk_params(si, par, par_len, s, why);
	if (st != MG_OK) {
		s->user = NULL;
		s->user_len = 0;
		return st;
	}
	if (end != len) {
		/* Connection-phase SPDUs are never concatenated: bytes after
		 * the SPDU would be uninspected. */
		s->user = NULL;
		s->user_len = 0;
		*why = MG_R_SES_TRAILING;
		return MG_MALFORMED;
	}
	if ((si == MG_SES_CN || si == MG_SES_AC) && s->user == NULL) {
		/* IEC 61850 always carries CP/CPA here. */
		*why = MG_R_SES_NO_USER_DATA;
		return MG_MALFORMED;
	}
	s->kind = si;
	return MG_OK;
}

const char *mg_ses_kind_str(uint8_t kind)
{
	switch (kind) {
	case MG_SES_CN: return "CN";
	case MG_SES_AC: return "AC";
	case MG_SES_RF: return "RF";
	case MG_SES_FN: return "FN";
	case MG_SES_DN: return "DN";
	case MG_SES_NF: return "NF";
	case MG_SES_AB: return "AB";
	case MG_SES_AA: return "AA";
	case MG_SES_DT: return "DT";
	}
	return "?";
}
