/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BER TLV decoding with every length checked against its parent.
 * Tags must be in their one canonical form (X.690 8.1.2): the high-tag-
 * number form only for tags >= 31 and without leading zero septets.
 * Stacks disagree on the other spellings (some read 1f 04 as tag 4, some
 * refuse it, some read 1f 80 04 as something else), so a gate that
 * normalised them would judge a PDU the IED may read differently: they are
 * refused with their own reason (ber_tag_not_minimal). Long-form lengths
 * where the short form would do are valid BER, sent by real stacks and read
 * the same way by all, so they stay accepted (bounded at 4 octets).
 */
#include "mg_ber.h"

#include <stdio.h>
#include <string.h>

enum mg_status mg_ber_tlv(const uint8_t *p, size_t len, struct mg_ber_tlv *t,
			  enum mg_reason *why)
{
	size_t i = 0;

	if (len < 2) {
		*why = MG_R_BER_TRUNCATED;
		return MG_MALFORMED;
	}
	t->cls = p[0] >> 6;
	t->constructed = (p[0] & 0x20) != 0;
	t->tag = p[0] & 0x1f;
	i = 1;
	if (t->tag == 0x1f) {
		uint32_t tag = 0;
		int n = 0;

		for (;;) {
			if (i >= len) {
				*why = MG_R_BER_TRUNCATED;
				return MG_MALFORMED;
			}
			if (++n > 4) {
				*why = MG_R_BER_TAG_TOO_LONG;
				return MG_MALFORMED;
			}
			if (n == 1 && p[i] == 0x80) { /* leading zero septet */
				*why = MG_R_BER_TAG_NONMINIMAL;
				return MG_MALFORMED;
			}
			tag = (tag << 7) | (p[i] & 0x7f);
			if (!(p[i++] & 0x80))
				break;
		}
		if (tag < 0x1f) { /* fits the short form */
			*why = MG_R_BER_TAG_NONMINIMAL;
			return MG_MALFORMED;
		}
		t->tag = tag;
	}
	if (i >= len) {
		*why = MG_R_BER_TRUNCATED;
		return MG_MALFORMED;
	}
	uint8_t l0 = p[i++];
	size_t vlen;

	if (l0 < 0x80) {
		vlen = l0;
	} else if (l0 == 0x80) {
		*why = MG_R_BER_LEN_INDEFINITE;
		return MG_MALFORMED;
	} else {
		unsigned n = l0 & 0x7f;

		if (n > 4) {
			*why = MG_R_BER_LEN_TOO_LONG;
			return MG_MALFORMED;
		}
		if (len - i < n) {
			*why = MG_R_BER_TRUNCATED;
			return MG_MALFORMED;
		}
		vlen = 0;
		for (unsigned k = 0; k < n; k++)
			vlen = (vlen << 8) | p[i++];
	}
	if (vlen > len - i) {
		*why = MG_R_BER_LEN_OVERFLOW;
		return MG_MALFORMED;
	}
	t->hdr_len = i;
	t->val = p + i;
	t->len = vlen;
	return MG_OK;
}

enum mg_status mg_ber_next(struct mg_ber_iter *it, struct mg_ber_tlv *t, enum mg_reason *why)
{
	if (it->len == 0)
		return MG_NEED_MORE;
	enum mg_status st = mg_ber_tlv(it->p, it->len, t, why);

	if (st != MG_OK)
		return st;
	size_t used = t->hdr_len + t->len;

	it->p += used;
	it->len -= used;
	return MG_OK;
}

bool mg_ber_uint32(const uint8_t *p, size_t len, uint32_t *out)
{
	if (len == 0 || len > 5)
		return false;
	if (p[0] & 0x80)
		return false; /* negative */
	if (len == 5 && p[0] != 0)
		return false;
	uint64_t v = 0;

	for (size_t i = 0; i < len; i++)
		v = (v << 8) | p[i];
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

bool mg_ber_int32(const uint8_t *p, size_t len, int32_t *out)
{
	if (len == 0 || len > 4)
		return false;
	int64_t v = (p[0] & 0x80) ? -1 : 0;

	for (size_t i = 0; i < len; i++)
		v = (int64_t)((uint64_t)v << 8) | p[i];
	*out = (int32_t)v;
	return true;
}

bool mg_ber_oid_str(const uint8_t *p, size_t len, char *buf, size_t bufsz)
{
	size_t off = 0;
	uint64_t v = 0;
	bool first = true;
	int n;

	if (len == 0 || bufsz == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (v > (UINT64_MAX >> 7))
			return false;
		v = (v << 7) | (p[i] & 0x7f);
		if (p[i] & 0x80) {
			if (i + 1 == len)
				return false; /* last arc unterminated */
			continue;
		}
		if (first) {
			unsigned a = v < 40 ? 0 : v < 80 ? 1 : 2;

			n = snprintf(buf + off, bufsz - off, "%u.%llu", a,
				     (unsigned long long)(v - 40 * a));
			first = false;
		} else {
			n = snprintf(buf + off, bufsz - off, ".%llu", (unsigned long long)v);
		}
		if (n < 0 || (size_t)n >= bufsz - off)
			return false;
		off += (size_t)n;
		v = 0;
	}
	return true;
}

bool mg_ber_oid_eq(const uint8_t *p, size_t len, const char *dotted)
{
	char tmp[128];

	if (!mg_ber_oid_str(p, len, tmp, sizeof(tmp)))
		return false;
	return strcmp(tmp, dotted) == 0;
}
