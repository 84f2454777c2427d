/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * COTP TPDU header parsing. The length indicator is checked against the
 * TPKT payload and against the minimum fixed part of each TPDU type, and
 * CR/CC variable parameters are walked inside the LI bound only.
 */
#include "mg_cotp.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static enum mg_status bad(enum mg_reason *why, enum mg_reason r)
{
	*why = r;
	return MG_MALFORMED;
}

/* CR/CC variable part: only the TPDU size matters to us (it bounds DT). */
static enum mg_status cotp_params(const uint8_t *p, size_t len, struct mg_cotp_tpdu *t,
				  enum mg_reason *why)
{
	size_t i = 0;

	while (i < len) {
		if (len - i < 2)
			return bad(why, MG_R_COTP_PARAM);
		uint8_t code = p[i], plen = p[i + 1];

		if (plen > len - i - 2)
			return bad(why, MG_R_COTP_PARAM);
		const uint8_t *v = p + i + 2;

		if (code == 0xC0) { /* TPDU size: 2^v octets, 7..13 */
			if (plen != 1 || v[0] < 7 || v[0] > 13)
				return bad(why, MG_R_COTP_PARAM);
			t->tpdu_size = 1u << v[0];
		} else if (code == 0xF0) { /* preferred max TPDU size, units of 128 */
			if (plen == 0 || plen > 4)
				return bad(why, MG_R_COTP_PARAM);
			uint32_t n = 0;

			for (unsigned k = 0; k < plen; k++)
				n = (n << 8) | v[k];
			if (n > (UINT32_MAX >> 7))
				return bad(why, MG_R_COTP_PARAM);
			t->tpdu_size = n * 128u;
		}
		i += 2u + plen;
	}
	return MG_OK;
}

enum mg_status mg_cotp_parse(const uint8_t *p, size_t len, struct mg_cotp_tpdu *t,
			     enum mg_reason *why)
{
	if (len < 2)
		return bad(why, MG_R_COTP_LI);
	uint8_t li = p[0];

	/* LI counts the header after itself; 255 is reserved. */
	if (li == 255 || li < 1 || (size_t)li + 1 > len)
		return bad(why, MG_R_COTP_LI);
	const uint8_t *h = p + 1; /* h[0] = TPDU code */
	uint8_t code = h[0];

	t->li = li;
	t->eot = false;
	t->dst_ref = t->src_ref = 0;
	t->cls = 0;
	t->reason = 0;
	t->tpdu_size = 0;
	t->tpdu_nr = 0;
	t->user = p + 1 + li;
	t->user_len = len - 1 - li;

	switch (code & 0xF0) {
	case MG_COTP_DT:
		if (code != MG_COTP_DT)
			return bad(why, MG_R_COTP_TYPE);
		t->type = MG_COTP_DT;
		if (li == 2) { /* class 0/1: code, NR+EOT */
			t->tpdu_nr = h[1] & 0x7f;
			t->eot = (h[1] & 0x80) != 0;
		} else if (li >= 4) { /* class 2..4 normal format: DST-REF, NR+EOT */
			t->dst_ref = be16(h + 1);
			t->tpdu_nr = h[3] & 0x7f;
			t->eot = (h[3] & 0x80) != 0;
		} else {
			return bad(why, MG_R_COTP_LI);
		}
		return MG_OK;
	case MG_COTP_ED:
		if (li < 4)
			return bad(why, MG_R_COTP_LI);
		t->type = MG_COTP_ED;
		t->dst_ref = be16(h + 1);
		t->tpdu_nr = h[3] & 0x7f;
		t->eot = (h[3] & 0x80) != 0;
		return MG_OK;
	case MG_COTP_CR:
	case MG_COTP_CC:
		if (li < 6)
			return bad(why, MG_R_COTP_LI);
		t->type = code & 0xF0;
		t->dst_ref = be16(h + 1);
		t->src_ref = be16(h + 3);
		t->cls = h[5] >> 4;
		if (t->cls > 4)
			return bad(why, MG_R_COTP_CLASS);
		return cotp_params(h + 6, li - 6u, t, why);
	case MG_COTP_DR:
		if (li < 6)
			return bad(why, MG_R_COTP_LI);
		t->type = MG_COTP_DR;
		t->dst_ref = be16(h + 1);
		t->src_ref = be16(h + 3);
		t->reason = h[5];
		return MG_OK;
	case MG_COTP_DC:
		if (li < 5)
			return bad(why, MG_R_COTP_LI);
		t->type = MG_COTP_DC;
		t->dst_ref = be16(h + 1);
		t->src_ref = be16(h + 3);
		return MG_OK;
	case MG_COTP_AK:
	case MG_COTP_EA:
	case MG_COTP_RJ:
		if (li < 4)
			return bad(why, MG_R_COTP_LI);
		t->type = code & 0xF0;
		t->dst_ref = be16(h + 1);
		t->tpdu_nr = h[3] & 0x7f;
		return MG_OK;
	case MG_COTP_ER:
		if (li < 4)
			return bad(why, MG_R_COTP_LI);
		t->type = MG_COTP_ER;
		t->dst_ref = be16(h + 1);
		t->reason = h[3];
		return MG_OK;
	default:
		return bad(why, MG_R_COTP_TYPE);
	}
}

const char *mg_cotp_type_str(uint8_t type)
{
	switch (type) {
	case MG_COTP_ED: return "ED";
	case MG_COTP_EA: return "EA";
	case MG_COTP_RJ: return "RJ";
	case MG_COTP_AK: return "AK";
	case MG_COTP_ER: return "ER";
	case MG_COTP_DR: return "DR";
	case MG_COTP_DC: return "DC";
	case MG_COTP_CC: return "CC";
	case MG_COTP_CR: return "CR";
	case MG_COTP_DT: return "DT";
	}
	return "?";
}
