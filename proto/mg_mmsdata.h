/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MMS Data (ISO 9506-2 Data CHOICE) decoding, and the IEC 61850-8-1 control
 * structures (Oper / SBOw / Cancel) built from it.
 *
 * Only the data of write requests is ever decoded (the gate judges what a
 * client asks to write; reads and reports are left alone, they cost
 * nothing extra). mg_mms_parse keeps a view of a write's listOfData in
 * struct mg_mms_pdu (write_data); these functions decode it on demand, so
 * a policy without value clauses never pays for them.
 *
 * The walker is a preorder iterator with an explicit stack bounded by
 * MG_MMSDATA_MAX_DEPTH: no recursion on the depth the sender chooses, no
 * allocation, every length checked against its parent (mg_ber_tlv).
 * Values are views into the caller's buffer.
 */
#ifndef MG_MMSDATA_H
#define MG_MMSDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg_status.h"

/* Type = the Data CHOICE tag (mms.asn), plus END for "constructed value
 * closed" in the iterator. */
enum mg_md_type {
	MG_MD_ARRAY = 1,
	MG_MD_STRUCT = 2,
	MG_MD_BOOL = 3,
	MG_MD_BITS = 4,
	MG_MD_INT = 5,
	MG_MD_UINT = 6,
	MG_MD_FLOAT = 7,
	MG_MD_OCTETS = 9,
	MG_MD_VSTRING = 10,
	MG_MD_GTIME = 11, /* generalized-time (not decoded: raw) */
	MG_MD_BTIME = 12, /* binary-time (TimeOfDay, 4 or 6 octets) */
	MG_MD_BCD = 13,
	MG_MD_BOOLARRAY = 14,
	MG_MD_OBJID = 15,
	MG_MD_MMSSTRING = 16,
	MG_MD_UTCTIME = 17,
	MG_MD_END = 31, /* iterator only: the innermost open array/structure ended */
};

/* "structure", "boolean", "bit-string", "integer", "unsigned",
 * "floating-point", "octet-string", "visible-string", "utc-time", … */
const char *mg_md_type_str(uint8_t t);

#define MG_MMSDATA_MAX_DEPTH 16

struct mg_md_utc {
	uint32_t sec;  /* seconds since 1970-01-01 */
	uint32_t frac; /* 24-bit binary fraction of a second */
	uint8_t q;     /* TimeQuality octet */
};

struct mg_md_val {
	uint8_t type;       /* enum mg_md_type */
	uint8_t depth;      /* 0 = an element of the list handed in */
	bool ok;            /* the value was decoded into v (false: raw only, e.g.
	                       a 9-octet integer or a 3-octet float) */
	uint32_t count;     /* array/structure: number of elements */
	const uint8_t *raw; /* content octets */
	uint32_t raw_len;
	union {
		bool b;
		int64_t i;  /* integer */
		uint64_t u; /* unsigned */
		double f;   /* floating-point (single or double) */
		struct mg_md_utc utc;
		struct {
			uint32_t ms;   /* milliseconds since midnight */
			uint16_t days; /* since 1984-01-01, when has_days */
			bool has_days;
		} bt;
		struct {
			uint8_t unused; /* bit-string: unused bits in the last octet */
			uint32_t nbits;
		} bits;
	} v;
};

struct mg_md_iter {
	struct {
		const uint8_t *p;
		size_t len;
	} st[MG_MMSDATA_MAX_DEPTH];
	unsigned depth;
};

/* Iterate over a SEQUENCE OF Data content (a write's listOfData, or the
 * content of one constructed Data). */
void mg_md_iter_init(struct mg_md_iter *it, const uint8_t *p, size_t len);
/*
 * Next value in preorder. MG_OK: *v filled; an array/structure is followed
 * by its elements and then an MG_MD_END value. MG_NEED_MORE: the list is
 * exhausted (not an error). MG_MALFORMED: *why says why (unknown Data tag,
 * primitive/constructed mismatch, bad BOOLEAN, nesting over the bound,
 * lengths past the parent).
 */
enum mg_status mg_md_next(struct mg_md_iter *it, struct mg_md_val *v, enum mg_reason *why);

/* Decode one Data TLV at p[0..len) (exactly one TLV, no trailing bytes);
 * constructed values get type and count only. */
enum mg_status mg_md_decode(const uint8_t *p, size_t len, struct mg_md_val *v, enum mg_reason *why);

/* The idx-th Data element (a whole TLV) of a listOfData content. MG_OK and
 * the element in ep and elen, MG_NEED_MORE if there are fewer elements, MG_MALFORMED. */
enum mg_status mg_md_elem(const uint8_t *p, size_t len, unsigned idx, const uint8_t **ep,
                          size_t *elen, enum mg_reason *why);

/* Numeric value as a double (integer, unsigned, floating-point, boolean as
 * 0/1); false for other types or values not decoded. */
bool mg_md_number(const struct mg_md_val *v, double *out);

/* ---- IEC 61850-8-1 control structures ---------------------------------- */

enum mg_ctl_op {
	MG_CTL_OPER = 0,   /* …$CO$<DO>$Oper */
	MG_CTL_SBOW = 1,   /* …$CO$<DO>$SBOw (select with value) */
	MG_CTL_CANCEL = 2, /* …$CO$<DO>$Cancel (no Check) */
};

/* How ctlVal was encoded; the CDC decides which (IEC 61850-7-3 / 8-1). */
enum mg_ctlval_kind {
	MG_CTLVAL_NONE = 0,
	MG_CTLVAL_BOOL,     /* SPC, DPC: boolean */
	MG_CTLVAL_INT,      /* INC, ENC, ISC: integer */
	MG_CTLVAL_UINT,     /* some stacks send unsigned */
	MG_CTLVAL_FLOAT,    /* a bare floating-point */
	MG_CTLVAL_ANALOGUE, /* APC: structure { i integer OPT, f floating-point OPT } */
	MG_CTLVAL_STEP,     /* BSC, BAC: bit-string(2) stop/lower/higher/reserved */
	MG_CTLVAL_OTHER,    /* anything else: raw only */
};

enum mg_step { MG_STEP_STOP = 0, MG_STEP_LOWER = 1, MG_STEP_HIGHER = 2, MG_STEP_RESERVED = 3 };

struct mg_ctl_value {
	uint8_t ctlval_kind;     /* enum mg_ctlval_kind */
	bool ctlval_ok;          /* ctlVal decoded into the fields below */
	bool b;                  /* BOOL */
	int64_t i;               /* INT, UINT (≤ INT64_MAX), ANALOGUE i */
	double f;                /* FLOAT, ANALOGUE f; also every numeric kind as double */
	bool has_i, has_f;       /* ANALOGUE: which components were present */
	uint8_t step;            /* enum mg_step */
	struct mg_md_val ctlval; /* the raw ctlVal element (for display) */
	bool has_oper_tm;
	struct mg_md_utc oper_tm;
	int32_t or_cat; /* origin.orCat; -1 if not decoded */
	const uint8_t *or_ident;
	uint32_t or_ident_len;
	uint32_t ctl_num;
	struct mg_md_utc t; /* T */
	bool test;
	bool has_check;    /* Oper / SBOw carry Check; Cancel does not */
	bool synchrocheck; /* Check bit 0 (MSB of the first content octet) */
	bool interlock;    /* Check bit 1 */
};

/*
 * Decode one Data TLV at p[0..len) as an Oper / SBOw (with_check) or Cancel
 * structure. The structure is positional: ctlVal, [operTm], origin, ctlNum,
 * T, Test[, Check]; operTm is recognised by its position and type
 * (utc-time where origin, a structure, would be). MG_OK only when every
 * field has the type 8-1 requires; MG_MALFORMED otherwise (the caller
 * treats the value as undecodable).
 */
enum mg_status mg_ctl_decode(const uint8_t *p, size_t len, bool with_check,
                             struct mg_ctl_value *out, enum mg_reason *why);

/* ---- JSON (mmsdata_json.c) ---------------------------------------------- */

/* What mg_md_json should print for pdu: -2 not a write request, -1 a
 * "values" array, 0 an Oper/SBOw "control", 1 a Cancel "control" (a write
 * naming exactly one object of class operate / select-with-value / cancel). */
struct mg_mms_pdu;
int mg_md_json_kind(const struct mg_mms_pdu *m);
/* The JSON members ("control":{…} or "values":[…], no braces around) for
 * a write's listOfData content, ctl as mg_md_json_kind says; written
 * NUL-terminated to buf. Returns the length, 0 when it does not fit (buf
 * then holds ""). */
size_t mg_md_json(const uint8_t *data, size_t len, int ctl, char *buf, size_t cap);

#endif
