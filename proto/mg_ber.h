/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BER (X.690) TLV reader: the one place that decodes identifiers and lengths
 * for presentation, ACSE and MMS.
 *
 * Bounds: tag numbers up to 4 subsequent octets (28 bits), lengths up to 4
 * octets, no indefinite length (MMS and the OSI upper layers as used on
 * port 102 never need it; it would allow unbounded work). The value of a TLV
 * must end inside its parent: a length past the parent is BER_LEN_OVERFLOW,
 * not NEED_MORE, because callers always hand in a complete parent.
 * Nothing here recurses; callers that descend keep their own bounded depth.
 */
#ifndef MG_BER_H
#define MG_BER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg_status.h"

enum mg_ber_class {
	MG_BER_UNIVERSAL = 0,
	MG_BER_APPLICATION = 1,
	MG_BER_CONTEXT = 2,
	MG_BER_PRIVATE = 3,
};

/* Deepest nesting any walker in the project descends to. */
#define MG_BER_MAX_DEPTH 16

struct mg_ber_tlv {
	uint8_t cls;           /* enum mg_ber_class */
	bool constructed;
	uint32_t tag;          /* tag number within its class */
	const uint8_t *val;    /* content octets (points into the input) */
	size_t len;            /* content length */
	size_t hdr_len;        /* identifier + length octets */
};

/* Decode one TLV at p[0..len). Outputs valid only on MG_OK. */
enum mg_status mg_ber_tlv(const uint8_t *p, size_t len, struct mg_ber_tlv *t,
			  enum mg_reason *why);

/* Cursor over the TLVs of a constructed value. */
struct mg_ber_iter {
	const uint8_t *p;
	size_t len;
};

static inline void mg_ber_iter_init(struct mg_ber_iter *it, const uint8_t *p, size_t len)
{
	it->p = p;
	it->len = len;
}

/* Next TLV: MG_OK and *t filled; MG_NEED_MORE when the cursor is exhausted
 * (end of the sequence, not an error); MG_MALFORMED otherwise. */
enum mg_status mg_ber_next(struct mg_ber_iter *it, struct mg_ber_tlv *t, enum mg_reason *why);

static inline bool mg_ber_is(const struct mg_ber_tlv *t, uint8_t cls, bool constructed, uint32_t tag)
{
	return t->cls == cls && t->constructed == constructed && t->tag == tag;
}

/* INTEGER content (two's complement, 1..5 octets) into an unsigned 32-bit
 * value; negative or wider values fail. Unsigned32 in MMS may take 5 octets
 * (leading 0x00). */
bool mg_ber_uint32(const uint8_t *p, size_t len, uint32_t *out);
/* INTEGER content into a signed 32-bit value (1..4 octets). */
bool mg_ber_int32(const uint8_t *p, size_t len, int32_t *out);

/* Compare an OID's content octets with a dotted string, e.g. "1.0.9506.2.1". */
bool mg_ber_oid_eq(const uint8_t *p, size_t len, const char *dotted);
/* Format OID content octets as dotted text; returns false if it does not fit
 * or is malformed. */
bool mg_ber_oid_str(const uint8_t *p, size_t len, char *buf, size_t bufsz);

#endif
