/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GOOSE header fields (stNum, sqNum, simulation) and the per-stream
 * sequence check behind the goose_replay anomaly (mg_goose.h). The
 * goosePdu's fields are walked flat, one level, up to the simulation flag:
 * every GOOSE field tag is one octet and every length at most two, which
 * a dedicated walker checks in a few instructions each (the general BER
 * reader cost ~180 ns a frame here). No allocation, no recursion; allData
 * is never entered; integers go through mg_ber_uint32.
 */
#include "mg_ber.h"
#include "mg_goose.h"

/* One BER length at p[*i] (short form, or 0x81/0x82): -1 if malformed or
 * past end. GOOSE uses nothing longer (a frame is at most 1500 octets). */
static long ber_len(const uint8_t *p, size_t end, size_t *i)
{
	if (*i >= end)
		return -1;
	uint8_t b = p[(*i)++];
	if (b < 0x80)
		return b;
	size_t n = b & 0x7f;
	if (n == 0 || n > 2 || *i + n > end)
		return -1;
	long v = 0;
	while (n--)
		v = v << 8 | p[(*i)++];
	return v;
}

enum mg_status mg_goose_parse(const uint8_t *p, size_t len, struct mg_goose *g, enum mg_reason *why)
{
	*why = MG_R_BER_TRUNCATED;
	if (len < 10)
		return MG_MALFORMED;
	g->appid = (uint16_t)(p[0] << 8 | p[1]);
	size_t alen = (size_t)(p[2] << 8 | p[3]); /* counts from the APPID */
	if (alen < 10 || alen > len)
		return MG_MALFORMED;
	/* goosePdu: [APPLICATION 1] constructed = 0x61, then its length */
	size_t i = 8;
	if (p[i++] != 0x61) {
		*why = MG_R_BER_UNEXPECTED_TAG;
		return MG_MALFORMED;
	}
	long pl = ber_len(p, alen, &i);
	if (pl < 0 || i + (size_t)pl > alen) {
		*why = MG_R_BER_LEN_OVERFLOW;
		return MG_MALFORMED;
	}
	/* Its fields, flat: gocbRef [0] … sqNum [6], simulation [7]; every
	 * tag is one octet (context 0..11); stop after the simulation flag. */
	size_t end = i + (size_t)pl;
	bool st = false, sq = false;
	g->simulation = false;
	while (i < end) {
		uint8_t tag = p[i++];
		if ((tag & 0x1f) == 0x1f) {
			*why = MG_R_BER_UNEXPECTED_TAG;
			return MG_MALFORMED;
		}
		long fl = ber_len(p, end, &i);
		if (fl < 0 || i + (size_t)fl > end) {
			*why = MG_R_BER_LEN_OVERFLOW;
			return MG_MALFORMED;
		}
		const uint8_t *v = p + i;
		i += (size_t)fl;
		if (tag == 0x85)
			st = mg_ber_uint32(v, (size_t)fl, &g->st_num);
		else if (tag == 0x86)
			sq = mg_ber_uint32(v, (size_t)fl, &g->sq_num);
		else if (tag == 0x87) {
			g->simulation = fl == 1 && v[0] != 0;
			break;
		}
	}
	if (!st || !sq)
		return MG_MALFORMED;
	*why = MG_R_NONE;
	return MG_OK;
}

enum mg_goose_verdict mg_goose_seq_check(struct mg_goose_seq *s, uint32_t st_num, uint32_t sq_num)
{
	bool restart = st_num == 1 && sq_num == 0;
	if (s->valid && !restart) {
		int32_t dst = (int32_t)(st_num - s->st_num);
		if (dst < 0)
			return MG_GOOSE_BACKWARD;
		if (dst == 0) {
			int32_t dsq = (int32_t)(sq_num - s->sq_num);
			if (dsq == 0)
				return MG_GOOSE_REPLAY;
			if (dsq < 0)
				return MG_GOOSE_BACKWARD;
		}
	}
	s->valid = true;
	s->st_num = st_num;
	s->sq_num = sq_num;
	return MG_GOOSE_OK;
}
