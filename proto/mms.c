/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MMS (ISO 9506-2) PDU decoder. Tags and structure follow Wireshark's
 * epan/dissectors/asn1/mms/mms.asn: all 14 MMSpdu choices, invokeID
 * (Unsigned32, up to 5 octets), listOfModifier before the service, the
 * confirmed / unconfirmed service choice, initiate parameters, reject and
 * service-error codes, and the object references a request names (variable
 * names, named variable lists, domains, journals, file names).
 *
 * What a firewall must not do is accept something the server will read
 * differently, so names are validated strictly: identifiers are non-empty
 * and drawn from ISO 9506-2's A-Z a-z 0-9 _ $, item ids have no empty '$'
 * component (no leading or
 * trailing '$', no "$$"; a lone "$" is malformed), file-name components are
 * non-empty printable text. Typed data (write listOfData, report access
 * results) and alternate access are walked with an explicit stack bounded by
 * MG_BER_MAX_DEPTH; nothing recurses on input depth and nothing allocates.
 * An alternate access that is a plain chain of component selections is
 * appended to the item ("CSWI1$CO" + Pos + Oper → "CSWI1$CO$Pos$Oper", in
 * filename_buf) so that policy patterns and classification see the real
 * target; any other alternate access marks the object MG_MMS_ALT_OPAQUE.
 * Responses are decoded to their service tag only: they carry no object the
 * policy acts on, and their type descriptions nest legitimately deeper than
 * any bound we would want on requests. The one exception is the member list
 * of a getNamedVariableListAttributes response, which the variable-list
 * table learns (mg_varlist.h).
 */
#include "mg_mms.h"

#include <string.h>

#include "mg_ber.h"
#include "mg_iec61850.h"

struct mms_ctx {
	struct mg_mms_pdu *pdu;
	enum mg_reason *why;
	size_t fn_used; /* bytes of pdu->filename_buf in use */
};

static enum mg_status fail(struct mms_ctx *c, enum mg_reason r)
{
	*c->why = r;
	return MG_MALFORMED;
}

/* Next element of a sequence that must be there. */
static enum mg_status need(struct mms_ctx *c, struct mg_ber_iter *it, struct mg_ber_tlv *t)
{
	enum mg_status st = mg_ber_next(it, t, c->why);

	if (st == MG_NEED_MORE)
		return fail(c, MG_R_MMS_STRUCTURE);
	return st;
}

/* Optional element: MG_OK with *t, MG_NEED_MORE at the end, or an error. */
static enum mg_status next(struct mms_ctx *c, struct mg_ber_iter *it, struct mg_ber_tlv *t)
{
	return mg_ber_next(it, t, c->why);
}

static bool is_ctx(const struct mg_ber_tlv *t, bool cons, uint32_t tag)
{
	return mg_ber_is(t, MG_BER_CONTEXT, cons, tag);
}

/*
 * Walk every TLV below p[0..len) with an explicit stack: checks each length
 * against its parent and bounds the nesting. Used for typed data and
 * alternate access, whose depth the sender chooses.
 */
static enum mg_status walk_bounded(struct mms_ctx *c, const uint8_t *p, size_t len)
{
	struct mg_ber_iter st[MG_BER_MAX_DEPTH];
	unsigned d = 0;

	mg_ber_iter_init(&st[0], p, len);
	for (;;) {
		struct mg_ber_tlv t;
		enum mg_status s = mg_ber_next(&st[d], &t, c->why);

		if (s == MG_NEED_MORE) {
			if (d == 0)
				return MG_OK;
			d--;
			continue;
		}
		if (s != MG_OK)
			return s;
		if (!t.constructed)
			continue;
		if (d + 1 >= MG_BER_MAX_DEPTH)
			return fail(c, MG_R_BER_NESTING);
		d++;
		mg_ber_iter_init(&st[d], t.val, t.len);
	}
}

/* Count the elements of a constructed value (each a well-formed TLV). */
static enum mg_status count_elems(struct mms_ctx *c, const uint8_t *p, size_t len, size_t *n)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;

	*n = 0;
	mg_ber_iter_init(&it, p, len);
	while ((st = next(c, &it, &t)) == MG_OK)
		(*n)++;
	return st == MG_NEED_MORE ? MG_OK : st;
}

/* ---------------------------------------------------------------- names */

static bool printable(const uint8_t *s, size_t n, uint8_t lo)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < lo || s[i] > 0x7e)
			return false;
	return true;
}

/* Identifier: ISO 9506-2 restricts it to the characters A-Z a-z 0-9 _ $.
 * Holding senders to that keeps '/' (our "domain/item" separator), pattern
 * metacharacters, spaces and control bytes out of every name the policy
 * matches. Length is not capped at 32: IEC 61850 Ed.2 names are longer. */
static bool ident_ok(const uint8_t *s, size_t n)
{
	if (n == 0 || n > UINT16_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = s[i];

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '$'))
			return false;
	}
	return true;
}

/* Item id: an Identifier whose '$'-separated components are all non-empty,
 * so "LN$FC$…" positions are unambiguous for classification. */
static bool item_ok(const uint8_t *s, size_t n)
{
	if (!ident_ok(s, n))
		return false;
	if (s[0] == '$' || s[n - 1] == '$')
		return false;
	for (size_t i = 1; i < n; i++)
		if (s[i] == '$' && s[i - 1] == '$')
			return false;
	return true;
}

static bool is_identifier(const struct mg_ber_tlv *t)
{
	return mg_ber_is(t, MG_BER_UNIVERSAL, false, 26); /* VisibleString */
}

static void add_obj(struct mms_ctx *c, uint8_t scope, uint8_t kind, const uint8_t *dom,
		    size_t dlen, const uint8_t *item, size_t ilen, bool alt)
{
	struct mg_mms_pdu *pdu = c->pdu;
	struct mg_mms_obj o = {
		.scope = scope,
		.kind = kind,
		.alt_access = alt ? MG_MMS_ALT_OPAQUE : MG_MMS_ALT_NONE,
		.domain_len = (uint16_t)dlen,
		.item_len = (uint16_t)ilen,
		.domain = dom,
		.item = item,
	};

	if (pdu->nobj < MG_MMS_MAX_OBJS) {
		pdu->obj[pdu->nobj++] = o;
		return;
	}
	/* Keep the first MG_MMS_MAX_OBJS but never lose the class of the
	 * rest: the PDU aggregate must not under-rate a long request. */
	pdu->obj_truncated = true;
	uint8_t cls = mg_iec_obj_class(pdu, &o);

	if (cls > pdu->iec_class_dropped)
		pdu->iec_class_dropped = cls;
}

/* ObjectName CHOICE given its own TLV. */
static enum mg_status obj_name(struct mms_ctx *c, const struct mg_ber_tlv *t, uint8_t kind, bool alt)
{
	if (t->cls != MG_BER_CONTEXT)
		return fail(c, MG_R_MMS_OBJECT_NAME);
	switch (t->tag) {
	case 0: /* vmd-specific */
	case 2: /* aa-specific */
		if (t->constructed || !item_ok(t->val, t->len))
			return fail(c, MG_R_MMS_OBJECT_NAME);
		add_obj(c, t->tag == 0 ? MG_OBJ_VMD : MG_OBJ_AA, kind, NULL, 0, t->val, t->len, alt);
		return MG_OK;
	case 1: { /* domain-specific SEQUENCE { domainId, itemId } */
		struct mg_ber_iter it;
		struct mg_ber_tlv d, i, x;
		enum mg_status st;

		if (!t->constructed)
			return fail(c, MG_R_MMS_OBJECT_NAME);
		mg_ber_iter_init(&it, t->val, t->len);
		if ((st = next(c, &it, &d)) != MG_OK || (st = next(c, &it, &i)) != MG_OK)
			return st == MG_NEED_MORE ? fail(c, MG_R_MMS_OBJECT_NAME) : st;
		if ((st = next(c, &it, &x)) != MG_NEED_MORE)
			return st == MG_OK ? fail(c, MG_R_MMS_OBJECT_NAME) : st;
		if (!is_identifier(&d) || !is_identifier(&i) || !ident_ok(d.val, d.len) ||
		    !item_ok(i.val, i.len))
			return fail(c, MG_R_MMS_OBJECT_NAME);
		add_obj(c, MG_OBJ_DOMAIN, kind, d.val, d.len, i.val, i.len, alt);
		return MG_OK;
	}
	default:
		return fail(c, MG_R_MMS_OBJECT_NAME);
	}
}

/* A value that holds exactly one ObjectName ([n] ObjectName, or an IMPLICIT
 * tag on the ObjectName CHOICE, which BER encodes explicitly). */
static enum mg_status obj_name_in(struct mms_ctx *c, const uint8_t *p, size_t len, uint8_t kind)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;

	mg_ber_iter_init(&it, p, len);
	st = next(c, &it, &t);
	if (st == MG_NEED_MORE)
		return fail(c, MG_R_MMS_OBJECT_NAME);
	if (st != MG_OK)
		return st;
	if ((st = obj_name(c, &t, kind, false)) != MG_OK)
		return st;
	st = next(c, &it, &t);
	if (st == MG_OK)
		return fail(c, MG_R_MMS_STRUCTURE);
	return st == MG_NEED_MORE ? MG_OK : st;
}

/* A bare domain name (Identifier content). */
static enum mg_status domain_name(struct mms_ctx *c, const struct mg_ber_tlv *t)
{
	if (t->constructed || !ident_ok(t->val, t->len))
		return fail(c, MG_R_MMS_OBJECT_NAME);
	add_obj(c, MG_OBJ_DOMAIN_NAME, MG_OBJK_DOMAIN, t->val, t->len, NULL, 0, false);
	return MG_OK;
}

/* A program invocation (or other VMD-wide identifier) name. */
static enum mg_status vmd_name(struct mms_ctx *c, const struct mg_ber_tlv *t)
{
	if (t->constructed || !ident_ok(t->val, t->len))
		return fail(c, MG_R_MMS_OBJECT_NAME);
	add_obj(c, MG_OBJ_VMD, MG_OBJK_OTHER, NULL, 0, t->val, t->len, false);
	return MG_OK;
}

/* FileName ::= SEQUENCE OF GraphicString, joined with '/' into the PDU's
 * scratch buffer (each name NUL-terminated there). root_ok: the name may be
 * empty (no component, or one empty component), which names the root of
 * the file store; only fileDirectory's fileSpecification allows that
 * (libiec61850's client lists the root that way). The object is then the
 * empty name. */
static enum mg_status file_name_root(struct mms_ctx *c, const struct mg_ber_tlv *t, bool root_ok)
{
	struct mg_mms_pdu *pdu = c->pdu;
	struct mg_ber_iter it;
	struct mg_ber_tlv g;
	enum mg_status st;
	size_t start = c->fn_used, pos = start, n = 0;
	bool empty_comp = false;

	if (!t->constructed)
		return fail(c, MG_R_MMS_OBJECT_NAME);
	mg_ber_iter_init(&it, t->val, t->len);
	while ((st = next(c, &it, &g)) == MG_OK) {
		/* GraphicString (25); VisibleString (26) seen from some stacks. */
		if (g.cls != MG_BER_UNIVERSAL || g.constructed || (g.tag != 25 && g.tag != 26))
			return fail(c, MG_R_MMS_OBJECT_NAME);
		if (g.len == 0 && root_ok && n == 0 && t->len == g.hdr_len) {
			empty_comp = true;
			continue;
		}
		if (g.len == 0 || !printable(g.val, g.len, 0x20))
			return fail(c, MG_R_MMS_OBJECT_NAME);
		size_t need_b = g.len + (n > 0 ? 1 : 0);

		if (need_b >= MG_MMS_FILENAME_MAX - pos) /* keep room for NUL */
			return fail(c, MG_R_MMS_FILENAME_LONG);
		if (n > 0)
			pdu->filename_buf[pos++] = '/';
		memcpy(pdu->filename_buf + pos, g.val, g.len);
		pos += g.len;
		n++;
	}
	if (st != MG_NEED_MORE)
		return st;
	if (n == 0 && !root_ok)
		return fail(c, empty_comp ? MG_R_MMS_OBJECT_NAME : MG_R_MMS_EMPTY_LIST);
	if (pos >= MG_MMS_FILENAME_MAX)
		return fail(c, MG_R_MMS_FILENAME_LONG);
	pdu->filename_buf[pos] = '\0';
	c->fn_used = pos + 1;
	add_obj(c, MG_OBJ_FILE, MG_OBJK_FILE, NULL, 0, (const uint8_t *)pdu->filename_buf + start,
		pos - start, false);
	return MG_OK;
}

static enum mg_status file_name(struct mms_ctx *c, const struct mg_ber_tlv *t)
{
	return file_name_root(c, t, false);
}

/* Address CHOICE: a target with no name. Recorded as an OTHER object (the
 * symbolic address as item when there is one) so that policy and
 * classification see that a variable was reached without a name. */
static enum mg_status address_obj(struct mms_ctx *c, const uint8_t *p, size_t len, bool alt)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;

	mg_ber_iter_init(&it, p, len);
	if ((st = next(c, &it, &t)) == MG_NEED_MORE)
		return fail(c, MG_R_MMS_STRUCTURE);
	if (st != MG_OK)
		return st;
	if (t.cls != MG_BER_CONTEXT || t.constructed || t.tag > 2 || t.len == 0)
		return fail(c, MG_R_MMS_STRUCTURE);
	if (t.tag == 1 && (t.len > UINT16_MAX || !printable(t.val, t.len, 0x21))) /* symbolic */
		return fail(c, MG_R_MMS_OBJECT_NAME);
	add_obj(c, MG_OBJ_VMD, MG_OBJK_OTHER, NULL, 0, t.tag == 1 ? t.val : NULL,
		t.tag == 1 ? t.len : 0, alt);
	return MG_OK;
}

/* VariableSpecification CHOICE given its TLV. */
static enum mg_status var_spec(struct mms_ctx *c, const struct mg_ber_tlv *t, bool alt)
{
	if (t->cls != MG_BER_CONTEXT)
		return fail(c, MG_R_MMS_STRUCTURE);
	switch (t->tag) {
	case 0: { /* name [0] ObjectName */
		struct mg_ber_iter it;
		struct mg_ber_tlv n, x;
		enum mg_status st;

		if (!t->constructed)
			return fail(c, MG_R_MMS_OBJECT_NAME);
		mg_ber_iter_init(&it, t->val, t->len);
		if ((st = next(c, &it, &n)) == MG_NEED_MORE)
			return fail(c, MG_R_MMS_OBJECT_NAME);
		if (st != MG_OK)
			return st;
		if ((st = obj_name(c, &n, MG_OBJK_VARIABLE, alt)) != MG_OK)
			return st;
		if ((st = next(c, &it, &x)) == MG_OK)
			return fail(c, MG_R_MMS_STRUCTURE);
		return st == MG_NEED_MORE ? MG_OK : st;
	}
	case 1: /* address */
		if (!t->constructed)
			return fail(c, MG_R_MMS_STRUCTURE);
		return address_obj(c, t->val, t->len, alt);
	case 2: /* variableDescription { address, typeSpecification } */
	case 3: /* scatteredAccessDescription */
		if (!t->constructed)
			return fail(c, MG_R_MMS_STRUCTURE);
		{
			enum mg_status st = walk_bounded(c, t->val, t->len);

			if (st != MG_OK)
				return st;
		}
		add_obj(c, MG_OBJ_VMD, MG_OBJK_OTHER, NULL, 0, NULL, 0, alt);
		return MG_OK;
	case 4: /* invalidated NULL */
		return t->constructed || t->len ? fail(c, MG_R_MMS_STRUCTURE) : MG_OK;
	default:
		return fail(c, MG_R_MMS_STRUCTURE);
	}
}

/*
 * An AlternateAccess that is a plain chain of component selections
 * (selectAlternateAccess{component "Pos", {selectAccess component "Oper"}})
 * as the suffix "$Pos$Oper", so policy and classification see the exact
 * target. 0 when it selects indexes, several components or uses the named
 * form: the object then stays MG_MMS_ALT_OPAQUE. The value was already
 * walked by walk_bounded, and the loop is bounded by MG_BER_MAX_DEPTH.
 */
static size_t alt_suffix(const uint8_t *p, size_t len, char *out, size_t cap)
{
	enum mg_reason r;
	size_t n = 0;

	for (unsigned guard = 0; guard < MG_BER_MAX_DEPTH; guard++) {
		struct mg_ber_iter it, in;
		struct mg_ber_tlv e, x, comp, sub;
		const struct mg_ber_tlv *name;
		bool last;

		mg_ber_iter_init(&it, p, len);
		if (mg_ber_next(&it, &e, &r) != MG_OK || mg_ber_next(&it, &x, &r) != MG_NEED_MORE)
			return 0; /* none, or several selections */
		if (is_ctx(&e, false, 1)) { /* selectAccess component */
			name = &e;
			last = true;
		} else if (is_ctx(&e, true, 0)) { /* selectAlternateAccess */
			mg_ber_iter_init(&in, e.val, e.len);
			if (mg_ber_next(&in, &comp, &r) != MG_OK || !is_ctx(&comp, false, 0) ||
			    mg_ber_next(&in, &sub, &r) != MG_OK ||
			    !mg_ber_is(&sub, MG_BER_UNIVERSAL, true, 16) ||
			    mg_ber_next(&in, &x, &r) != MG_NEED_MORE)
				return 0;
			name = &comp;
			last = false;
			p = sub.val;
			len = sub.len;
		} else {
			return 0;
		}
		if (!ident_ok(name->val, name->len) || memchr(name->val, '$', name->len) ||
		    n + 1 + name->len >= cap)
			return 0;
		out[n++] = '$';
		memcpy(out + n, name->val, name->len);
		n += name->len;
		if (last)
			return n;
	}
	return 0;
}

/* Rewrite o's item as item + suffix in the PDU scratch; if it does not fit
 * the object simply stays opaque. */
static void flatten_obj(struct mms_ctx *c, struct mg_mms_obj *o, const char *sfx, size_t sl)
{
	char *dst = c->pdu->filename_buf + c->fn_used;

	if (o->kind != MG_OBJK_VARIABLE || !o->item ||
	    (size_t)o->item_len + sl + 1 > MG_MMS_FILENAME_MAX - c->fn_used ||
	    (size_t)o->item_len + sl > UINT16_MAX)
		return;
	memcpy(dst, o->item, o->item_len);
	memcpy(dst + o->item_len, sfx, sl);
	dst[o->item_len + sl] = '\0';
	o->item = (const uint8_t *)dst;
	o->item_len = (uint16_t)(o->item_len + sl);
	o->alt_access = MG_MMS_ALT_FLATTENED;
	c->fn_used += (size_t)o->item_len + 1;
}

/* SEQUENCE OF SEQUENCE { VariableSpecification, [5] AlternateAccess OPT } */
static enum mg_status var_list(struct mms_ctx *c, const uint8_t *p, size_t len, size_t *count)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv e;
	enum mg_status st;

	*count = 0;
	mg_ber_iter_init(&it, p, len);
	while ((st = next(c, &it, &e)) == MG_OK) {
		struct mg_ber_iter in;
		struct mg_ber_tlv vs, aa, x;

		if (!mg_ber_is(&e, MG_BER_UNIVERSAL, true, 16))
			return fail(c, MG_R_MMS_STRUCTURE);
		mg_ber_iter_init(&in, e.val, e.len);
		if ((st = need(c, &in, &vs)) != MG_OK)
			return st;
		bool alt = false;
		char sfx[MG_MMS_FILENAME_MAX];
		size_t sl = 0;

		st = next(c, &in, &aa);
		if (st == MG_OK) {
			if (!is_ctx(&aa, true, 5))
				return fail(c, MG_R_MMS_STRUCTURE);
			if ((st = walk_bounded(c, aa.val, aa.len)) != MG_OK)
				return st;
			alt = true;
			sl = alt_suffix(aa.val, aa.len, sfx, sizeof(sfx));
			if ((st = next(c, &in, &x)) == MG_OK)
				return fail(c, MG_R_MMS_STRUCTURE);
		}
		if (st != MG_NEED_MORE)
			return st;
		uint16_t before = c->pdu->nobj;

		if ((st = var_spec(c, &vs, alt)) != MG_OK)
			return st;
		if (sl && c->pdu->nobj == before + 1)
			flatten_obj(c, &c->pdu->obj[before], sfx, sl);
		(*count)++;
	}
	if (st != MG_NEED_MORE)
		return st;
	if (*count == 0)
		return fail(c, MG_R_MMS_EMPTY_LIST);
	return MG_OK;
}

/* VariableAccessSpecification CHOICE given its TLV; *count = number of
 * variables for listOfVariable, 0 for a variableListName. */
static enum mg_status var_access_spec(struct mms_ctx *c, const struct mg_ber_tlv *t, size_t *count)
{
	*count = 0;
	if (is_ctx(t, true, 0))
		return var_list(c, t->val, t->len, count);
	if (is_ctx(t, true, 1))
		return obj_name_in(c, t->val, t->len, MG_OBJK_VARLIST);
	return fail(c, MG_R_MMS_STRUCTURE);
}

/* SEQUENCE OF ObjectName (deleteNamedVariableList & co.). */
static enum mg_status name_list(struct mms_ctx *c, const struct mg_ber_tlv *t, uint8_t kind)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv n;
	enum mg_status st;
	size_t k = 0;

	if (!t->constructed)
		return fail(c, MG_R_MMS_STRUCTURE);
	mg_ber_iter_init(&it, t->val, t->len);
	while ((st = next(c, &it, &n)) == MG_OK) {
		if ((st = obj_name(c, &n, kind, false)) != MG_OK)
			return st;
		k++;
	}
	if (st != MG_NEED_MORE)
		return st;
	return k ? MG_OK : fail(c, MG_R_MMS_EMPTY_LIST);
}

/* ------------------------------------------------------ service requests */

static uint8_t class_kind(int32_t objclass)
{
	switch (objclass) {
	case 0: return MG_OBJK_VARIABLE;
	case 2: return MG_OBJK_VARLIST;
	case 8: return MG_OBJK_JOURNAL;
	case 9: return MG_OBJK_DOMAIN;
	default: return MG_OBJK_OTHER;
	}
}

/* extendedObjectClass [0] CHOICE { objectClass [0] IMPLICIT INTEGER } */
static enum mg_status object_class(struct mms_ctx *c, const struct mg_ber_tlv *t, int32_t *cls)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv v;
	enum mg_status st;

	if (!t->constructed)
		return fail(c, MG_R_MMS_STRUCTURE);
	mg_ber_iter_init(&it, t->val, t->len);
	if ((st = need(c, &it, &v)) != MG_OK)
		return st;
	if (!is_ctx(&v, false, 0) || !mg_ber_int32(v.val, v.len, cls))
		return fail(c, MG_R_MMS_STRUCTURE);
	return MG_OK;
}

static enum mg_status req_get_name_list(struct mms_ctx *c, const struct mg_ber_tlv *svc)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;
	bool have_class = false, have_scope = false;
	int32_t cls = -1;

	if (!svc->constructed)
		return fail(c, MG_R_MMS_STRUCTURE);
	mg_ber_iter_init(&it, svc->val, svc->len);
	while ((st = next(c, &it, &t)) == MG_OK) {
		if (is_ctx(&t, true, 0) && !have_class) {
			if ((st = object_class(c, &t, &cls)) != MG_OK)
				return st;
			have_class = true;
		} else if (is_ctx(&t, true, 1) && !have_scope) {
			struct mg_ber_iter in;
			struct mg_ber_tlv s;

			mg_ber_iter_init(&in, t.val, t.len);
			if ((st = need(c, &in, &s)) != MG_OK)
				return st;
			if (s.cls != MG_BER_CONTEXT || s.constructed || s.tag > 2)
				return fail(c, MG_R_MMS_STRUCTURE);
			if (s.tag == 1) {
				if ((st = domain_name(c, &s)) != MG_OK)
					return st;
			} else if (s.len != 0) {
				return fail(c, MG_R_MMS_STRUCTURE); /* NULL */
			}
			have_scope = true;
		} else if (is_ctx(&t, false, 2)) {
			/* continueAfter: a cursor, not a target */
		} else {
			return fail(c, MG_R_MMS_STRUCTURE);
		}
	}
	if (st != MG_NEED_MORE)
		return st;
	return have_class && have_scope ? MG_OK : fail(c, MG_R_MMS_STRUCTURE);
}

static enum mg_status req_read(struct mms_ctx *c, const struct mg_ber_tlv *svc)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;
	size_t n;

	if (!svc->constructed)
		return fail(c, MG_R_MMS_STRUCTURE);
	mg_ber_iter_init(&it, svc->val, svc->len);
	if ((st = need(c, &it, &t)) != MG_OK)
		return st;
	if (is_ctx(&t, false, 0)) { /* specificationWithResult */
		if ((st = need(c, &it, &t)) != MG_OK)
			return st;
	}
	if (!is_ctx(&t, true, 1))
		return fail(c, MG_R_MMS_STRUCTURE);
	struct mg_ber_iter in;
	struct mg_ber_tlv v;

	mg_ber_iter_init(&in, t.val, t.len);
	if ((st = need(c, &in, &v)) != MG_OK)
		return st;
	if ((st = var_access_spec(c, &v, &n)) != MG_OK)
		return st;
	if ((st = next(c, &in, &v)) == MG_OK || (st = next(c, &it, &t)) == MG_OK)
		return fail(c, MG_R_MMS_STRUCTURE);
	return st == MG_NEED_MORE ? MG_OK : st;
}

static enum mg_status req_write(struct mms_ctx *c, const struct mg_ber_tlv *svc)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv vas, data, x;
	enum mg_status st;
	size_t nvar, ndata;

	if (!svc->constructed)
		return fail(c, MG_R_MMS_STRUCTURE);
	mg_ber_iter_init(&it, svc->val, svc->len);
	if ((st = need(c, &it, &vas)) != MG_OK)
		return st;
	if ((st = var_access_spec(c, &vas, &nvar)) != MG_OK)
		return st;
	if ((st = need(c, &it, &data)) != MG_OK)
		return st;
	if (!is_ctx(&data, true, 0))
		return fail(c, MG_R_MMS_STRUCTURE);
	if ((st = next(c, &it, &x)) == MG_OK)
		return fail(c, MG_R_MMS_STRUCTURE);
	if (st != MG_NEED_MORE)
		return st;
	if ((st = count_elems(c, data.val, data.len, &ndata)) != MG_OK)
		return st;
	if (ndata == 0)
		return fail(c, MG_R_MMS_EMPTY_LIST);
	/* One Data per variable (ISO 9506-2 write); a mismatch means the
	 * server and we disagree on what is written where. */
	if (nvar && nvar != ndata)
		return fail(c, MG_R_MMS_DATA_COUNT);
	if ((st = walk_bounded(c, data.val, data.len)) != MG_OK)
		return st;
	c->pdu->write_data = data.val;
	c->pdu->write_data_len = (uint32_t)data.len;
	return MG_OK;
}

static enum mg_status req_gvaa(struct mms_ctx *c, const struct mg_ber_tlv *svc)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t, x;
	enum mg_status st;

	if (!svc->constructed)
		return fail(c, MG_R_MMS_STRUCTURE);
	mg_ber_iter_init(&it, svc->val, svc->len);
	if ((st = need(c, &it, &t)) != MG_OK)
		return st;
	if (is_ctx(&t, true, 0))
		st = obj_name_in(c, t.val, t.len, MG_OBJK_VARIABLE);
	else if (is_ctx(&t, true, 1))
		st = address_obj(c, t.val, t.len, false);
	else
		return fail(c, MG_R_MMS_STRUCTURE);
	if (st != MG_OK)
		return st;
	if ((st = next(c, &it, &x)) == MG_OK)
		return fail(c, MG_R_MMS_STRUCTURE);
	return st == MG_NEED_MORE ? MG_OK : st;
}

static enum mg_status req_define_nvl(struct mms_ctx *c, const struct mg_ber_tlv *svc)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv name, list, x;
	enum mg_status st;
	size_t n;

	if (!svc->constructed)
		return fail(c, MG_R_MMS_STRUCTURE);
	mg_ber_iter_init(&it, svc->val, svc->len);
	if ((st = need(c, &it, &name)) != MG_OK)
		return st;
	if ((st = obj_name(c, &name, MG_OBJK_VARLIST, false)) != MG_OK)
		return st;
	if ((st = need(c, &it, &list)) != MG_OK)
		return st;
	if (!is_ctx(&list, true, 0))
		return fail(c, MG_R_MMS_STRUCTURE);
	if ((st = var_list(c, list.val, list.len, &n)) != MG_OK)
		return st;
	if ((st = next(c, &it, &x)) == MG_OK)
		return fail(c, MG_R_MMS_STRUCTURE);
	return st == MG_NEED_MORE ? MG_OK : st;
}

/* deleteNamedVariableList / deleteVariableAccess / deleteNamedType:
 * { [0] scopeOfDelete OPT, [1] SEQUENCE OF ObjectName OPT, [2] domain OPT } */
static enum mg_status req_delete_scoped(struct mms_ctx *c, const struct mg_ber_tlv *svc, uint8_t kind)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;

	if (!svc->constructed)
		return fail(c, MG_R_MMS_STRUCTURE);
	mg_ber_iter_init(&it, svc->val, svc->len);
	while ((st = next(c, &it, &t)) == MG_OK) {
		int32_t v;

		if (is_ctx(&t, false, 0)) {
			if (!mg_ber_int32(t.val, t.len, &v))
				return fail(c, MG_R_MMS_STRUCTURE);
		} else if (is_ctx(&t, true, 1)) {
			if ((st = name_list(c, &t, kind)) != MG_OK)
				return st;
		} else if (is_ctx(&t, false, 2)) {
			if ((st = domain_name(c, &t)) != MG_OK)
				return st;
		} else {
			return fail(c, MG_R_MMS_STRUCTURE);
		}
	}
	return st == MG_NEED_MORE ? MG_OK : st;
}

static enum mg_status req_rename(struct mms_ctx *c, const struct mg_ber_tlv *svc)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;
	int32_t cls = -1;

	if (!svc->constructed)
		return fail(c, MG_R_MMS_STRUCTURE);
	mg_ber_iter_init(&it, svc->val, svc->len);
	if ((st = need(c, &it, &t)) != MG_OK)
		return st;
	if (!is_ctx(&t, true, 0) || (st = object_class(c, &t, &cls)) != MG_OK)
		return st == MG_OK ? fail(c, MG_R_MMS_STRUCTURE) : st;
	if ((st = need(c, &it, &t)) != MG_OK)
		return st;
	if (!is_ctx(&t, true, 1))
		return fail(c, MG_R_MMS_STRUCTURE);
	return obj_name_in(c, t.val, t.len, class_kind(cls));
}

/* Services whose first element is [0] ObjectName (explicit wrapper). */
static enum mg_status req_first_wrapped_name(struct mms_ctx *c, const struct mg_ber_tlv *svc,
					     uint8_t kind)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;

	if (!svc->constructed)
		return fail(c, MG_R_MMS_STRUCTURE);
	mg_ber_iter_init(&it, svc->val, svc->len);
	if ((st = need(c, &it, &t)) != MG_OK)
		return st;
	if (!is_ctx(&t, true, 0))
		return fail(c, MG_R_MMS_STRUCTURE);
	if ((st = obj_name_in(c, t.val, t.len, kind)) != MG_OK)
		return st;
	/* The remaining elements must at least be well-formed TLVs. */
	while ((st = next(c, &it, &t)) == MG_OK)
		;
	return st == MG_NEED_MORE ? MG_OK : st;
}

/* Services whose first element is a bare ObjectName (defineNamedType). */
static enum mg_status req_first_name(struct mms_ctx *c, const struct mg_ber_tlv *svc, uint8_t kind)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;

	if (!svc->constructed)
		return fail(c, MG_R_MMS_STRUCTURE);
	mg_ber_iter_init(&it, svc->val, svc->len);
	if ((st = need(c, &it, &t)) != MG_OK)
		return st;
	if ((st = obj_name(c, &t, kind, false)) != MG_OK)
		return st;
	while ((st = next(c, &it, &t)) == MG_OK)
		;
	return st == MG_NEED_MORE ? MG_OK : st;
}

/* Domain services: [0] domainName and an optional FileName at file_tag. */
static enum mg_status req_domain_file(struct mms_ctx *c, const struct mg_ber_tlv *svc, int file_tag)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;
	bool have_dom = false;

	if (!svc->constructed)
		return fail(c, MG_R_MMS_STRUCTURE);
	mg_ber_iter_init(&it, svc->val, svc->len);
	while ((st = next(c, &it, &t)) == MG_OK) {
		if (is_ctx(&t, false, 0) && !have_dom) {
			if ((st = domain_name(c, &t)) != MG_OK)
				return st;
			have_dom = true;
		} else if (file_tag >= 0 && is_ctx(&t, true, (uint32_t)file_tag)) {
			if ((st = file_name(c, &t)) != MG_OK)
				return st;
		}
	}
	if (st != MG_NEED_MORE)
		return st;
	return have_dom ? MG_OK : fail(c, MG_R_MMS_STRUCTURE);
}

/* Program invocation services: [0] programInvocationName first;
 * createProgramInvocation also names domains in [1]. */
static enum mg_status req_program(struct mms_ctx *c, const struct mg_ber_tlv *svc)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;
	bool have_name = false;

	if (!svc->constructed)
		return fail(c, MG_R_MMS_STRUCTURE);
	mg_ber_iter_init(&it, svc->val, svc->len);
	while ((st = next(c, &it, &t)) == MG_OK) {
		if (is_ctx(&t, false, 0) && !have_name) {
			if ((st = vmd_name(c, &t)) != MG_OK)
				return st;
			have_name = true;
		} else if (c->pdu->service == 38 && is_ctx(&t, true, 1)) {
			struct mg_ber_iter in;
			struct mg_ber_tlv d;

			mg_ber_iter_init(&in, t.val, t.len);
			while ((st = next(c, &in, &d)) == MG_OK) {
				if (!is_identifier(&d))
					return fail(c, MG_R_MMS_OBJECT_NAME);
				if ((st = domain_name(c, &d)) != MG_OK)
					return st;
			}
			if (st != MG_NEED_MORE)
				return st;
		}
	}
	if (st != MG_NEED_MORE)
		return st;
	return have_name ? MG_OK : fail(c, MG_R_MMS_STRUCTURE);
}

/* File services: FileName elements at the given context tags. */
static enum mg_status req_files(struct mms_ctx *c, const struct mg_ber_tlv *svc, uint32_t tag_a,
				uint32_t tag_b, bool a_required)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;
	bool have_a = false;

	if (!svc->constructed)
		return fail(c, MG_R_MMS_STRUCTURE);
	mg_ber_iter_init(&it, svc->val, svc->len);
	while ((st = next(c, &it, &t)) == MG_OK) {
		if (is_ctx(&t, true, tag_a) || is_ctx(&t, true, tag_b)) {
			if ((st = file_name_root(c, &t, c->pdu->service == MG_SVC_FILE_DIRECTORY)) !=
			    MG_OK)
				return st;
			have_a |= t.tag == tag_a;
		}
	}
	if (st != MG_NEED_MORE)
		return st;
	return have_a || !a_required ? MG_OK : fail(c, MG_R_MMS_STRUCTURE);
}

static enum mg_status request_body(struct mms_ctx *c, const struct mg_ber_tlv *svc)
{
	switch (c->pdu->service) {
	case 1:
		return req_get_name_list(c, svc);
	case 3:
		return req_rename(c, svc);
	case 4:
		return req_read(c, svc);
	case 5:
		return req_write(c, svc);
	case 6:
		return req_gvaa(c, svc);
	case 7: /* defineNamedVariable */
		return req_first_wrapped_name(c, svc, MG_OBJK_VARIABLE);
	case 8: /* defineScatteredAccess */
		return req_first_wrapped_name(c, svc, MG_OBJK_OTHER);
	case 9: case 15: case 22: case 23: case 49: case 50: case 55: case 56: case 60:
		/* X-Request ::= ObjectName, IMPLICIT on a CHOICE → explicit */
		if (!svc->constructed)
			return fail(c, MG_R_MMS_STRUCTURE);
		return obj_name_in(c, svc->val, svc->len, MG_OBJK_OTHER);
	case 10:
		return req_delete_scoped(c, svc, MG_OBJK_VARIABLE);
	case 11:
		return req_define_nvl(c, svc);
	case 12:
		if (!svc->constructed)
			return fail(c, MG_R_MMS_STRUCTURE);
		return obj_name_in(c, svc->val, svc->len, MG_OBJK_VARLIST);
	case 13:
		return req_delete_scoped(c, svc, MG_OBJK_VARLIST);
	case 14:
		return req_first_name(c, svc, MG_OBJK_OTHER);
	case 16:
		return req_delete_scoped(c, svc, MG_OBJK_OTHER);
	case 19: case 20: case 21: case 24: case 25: /* semaphores */
	case 47: case 51: case 52: case 53: case 57: case 59: case 62: /* events */
		return req_first_wrapped_name(c, svc, MG_OBJK_OTHER);
	case 26: case 28:
		return req_domain_file(c, svc, -1);
	case 32: case 34:
		return req_domain_file(c, svc, 4);
	case 33: case 35:
		return req_domain_file(c, svc, 1);
	case 27: case 29: case 36: case 37: /* Identifier: domain name */
		return domain_name(c, svc);
	case 38: case 40: case 41: case 42: case 43: case 44:
		return req_program(c, svc);
	case 39: case 45:
		return vmd_name(c, svc);
	case 46: /* obtainFile: [1] sourceFile, [2] destinationFile */
		return req_files(c, svc, 1, 2, true);
	case 65: case 66: case 67: case 69: case 70:
		return req_first_wrapped_name(c, svc, MG_OBJK_JOURNAL);
	case 68:
		if (!svc->constructed)
			return fail(c, MG_R_MMS_STRUCTURE);
		return obj_name_in(c, svc->val, svc->len, MG_OBJK_JOURNAL);
	case 72: /* fileOpen: [0] fileName, [1] initialPosition */
		return req_files(c, svc, 0, 0, true);
	case 75: /* fileRename: [0] current, [1] new */
		return req_files(c, svc, 0, 1, true);
	case 76: /* fileDelete ::= FileName */
		return file_name(c, svc);
	case 77: /* fileDirectory: [0] fileSpecification OPT ([1] is a cursor) */
		return req_files(c, svc, 0, 0, false);
	default:
		return MG_OK;
	}
}

/* ------------------------------------------------------------ PDU level */

static enum mg_status invoke_id(struct mms_ctx *c, const struct mg_ber_tlv *t)
{
	if (t->constructed || !mg_ber_uint32(t->val, t->len, &c->pdu->invoke_id))
		return fail(c, MG_R_MMS_INVOKE_ID);
	c->pdu->has_invoke_id = true;
	return MG_OK;
}

/* Confirmed request/response/error and cancel-error open with the
 * invokeID (UNIVERSAL INTEGER in confirmed request/response, [0] in the
 * error PDUs): read it, then fetch the TLV that follows into *t. */
static enum mg_status lead_invoke_id(struct mms_ctx *c, struct mg_ber_iter *it,
				     const uint8_t *p, size_t len, uint8_t cls,
				     struct mg_ber_tlv *t)
{
	enum mg_status st;

	mg_ber_iter_init(it, p, len);
	if ((st = need(c, it, t)) != MG_OK)
		return st;
	if (!mg_ber_is(t, cls, false, cls == MG_BER_UNIVERSAL ? 2 : 0))
		return fail(c, MG_R_MMS_INVOKE_ID);
	if ((st = invoke_id(c, t)) != MG_OK)
		return st;
	return need(c, it, t);
}

/* After the service: only cs-request-detail [79] may follow. */
static enum mg_status tail_detail(struct mms_ctx *c, struct mg_ber_iter *it)
{
	struct mg_ber_tlv t;
	enum mg_status st = next(c, it, &t);

	if (st == MG_OK) {
		if (t.cls != MG_BER_CONTEXT || t.tag != 79)
			return fail(c, MG_R_MMS_STRUCTURE);
		st = next(c, it, &t);
		if (st == MG_OK)
			return fail(c, MG_R_MMS_STRUCTURE);
	}
	return st == MG_NEED_MORE ? MG_OK : st;
}

static enum mg_status service_tag(struct mms_ctx *c, const struct mg_ber_tlv *t)
{
	if (t->cls != MG_BER_CONTEXT || t->tag >= MG_SVC_CONFIRMED_MAX)
		return fail(c, MG_R_MMS_SERVICE);
	c->pdu->service = (uint16_t)t->tag;
	return MG_OK;
}

static enum mg_status confirmed_request(struct mms_ctx *c, const uint8_t *p, size_t len)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;

	if ((st = lead_invoke_id(c, &it, p, len, MG_BER_UNIVERSAL, &t)) != MG_OK)
		return st;
	if (mg_ber_is(&t, MG_BER_UNIVERSAL, true, 16)) {
		/* listOfModifier: attach to event condition / semaphore */
		if ((st = walk_bounded(c, t.val, t.len)) != MG_OK)
			return st;
		if ((st = need(c, &it, &t)) != MG_OK)
			return st;
	}
	if ((st = service_tag(c, &t)) != MG_OK)
		return st;
	if ((st = request_body(c, &t)) != MG_OK)
		return st;
	return tail_detail(c, &it);
}

/* GetNamedVariableListAttributes-Response ::= SEQUENCE { mmsDeletable [0]
 * BOOLEAN, listOfVariable [1] SEQUENCE OF …, accessControlList [2] OPT }:
 * the members, as objects, for the variable-list table. The IED's answer is
 * not refused for what we cannot read here: on anything unexpected the
 * objects are dropped and obj_truncated set (members unknown). */
static void resp_nvl_attr(struct mms_ctx *c, const struct mg_ber_tlv *svc)
{
	struct mg_mms_pdu *pdu = c->pdu;
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_reason saved = *c->why;
	size_t n = 0;
	bool ok = false;

	if (svc->constructed) {
		mg_ber_iter_init(&it, svc->val, svc->len);
		while (mg_ber_next(&it, &t, c->why) == MG_OK) {
			if (is_ctx(&t, true, 1)) {
				ok = var_list(c, t.val, t.len, &n) == MG_OK;
				break;
			}
		}
	}
	*c->why = saved;
	if (!ok) {
		pdu->nobj = 0;
		pdu->obj_truncated = true;
	}
}

static enum mg_status confirmed_response(struct mms_ctx *c, const uint8_t *p, size_t len)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;

	if ((st = lead_invoke_id(c, &it, p, len, MG_BER_UNIVERSAL, &t)) != MG_OK)
		return st;
	if ((st = service_tag(c, &t)) != MG_OK)
		return st;
	if (c->pdu->service == MG_SVC_GET_NAMED_VAR_LIST_ATTR)
		resp_nvl_attr(c, &t);
	return tail_detail(c, &it);
}

/* ServiceError content: errorClass [0] CHOICE { [n] IMPLICIT INTEGER }, … */
static enum mg_status service_error(struct mms_ctx *c, const uint8_t *p, size_t len)
{
	struct mg_ber_iter it, in;
	struct mg_ber_tlv t, e;
	enum mg_status st;

	mg_ber_iter_init(&it, p, len);
	if ((st = need(c, &it, &t)) != MG_OK)
		return st;
	if (!is_ctx(&t, true, 0))
		return fail(c, MG_R_MMS_STRUCTURE);
	mg_ber_iter_init(&in, t.val, t.len);
	if ((st = need(c, &in, &e)) != MG_OK)
		return st;
	if (e.cls != MG_BER_CONTEXT || e.constructed || e.tag > 12 ||
	    !mg_ber_int32(e.val, e.len, &c->pdu->error_code))
		return fail(c, MG_R_MMS_STRUCTURE);
	c->pdu->error_class = (int32_t)e.tag;
	/* additionalCode, additionalDescription, serviceSpecificInformation */
	while ((st = next(c, &it, &t)) == MG_OK)
		if (t.cls != MG_BER_CONTEXT || t.tag < 1 || t.tag > 3)
			return fail(c, MG_R_MMS_STRUCTURE);
	return st == MG_NEED_MORE ? MG_OK : st;
}

static enum mg_status confirmed_error(struct mms_ctx *c, const uint8_t *p, size_t len)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;

	if ((st = lead_invoke_id(c, &it, p, len, MG_BER_CONTEXT, &t)) != MG_OK)
		return st;
	if (is_ctx(&t, false, 1)) { /* modifierPosition */
		uint32_t pos;

		if (!mg_ber_uint32(t.val, t.len, &pos))
			return fail(c, MG_R_MMS_STRUCTURE);
		if ((st = need(c, &it, &t)) != MG_OK)
			return st;
	}
	if (!is_ctx(&t, true, 2))
		return fail(c, MG_R_MMS_STRUCTURE);
	if ((st = service_error(c, t.val, t.len)) != MG_OK)
		return st;
	if ((st = next(c, &it, &t)) == MG_OK)
		return fail(c, MG_R_MMS_STRUCTURE);
	return st == MG_NEED_MORE ? MG_OK : st;
}

static enum mg_status unconfirmed(struct mms_ctx *c, const uint8_t *p, size_t len)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;

	mg_ber_iter_init(&it, p, len);
	if ((st = need(c, &it, &t)) != MG_OK)
		return st;
	if (t.cls != MG_BER_CONTEXT || !t.constructed || t.tag > 2)
		return fail(c, MG_R_MMS_SERVICE);
	c->pdu->service = (uint16_t)(MG_SVC_INFORMATION_REPORT + t.tag);
	if (t.tag == 0) {
		/* informationReport { VariableAccessSpecification,
		 *                     [0] listOfAccessResult } */
		struct mg_ber_iter in;
		struct mg_ber_tlv vas, res, x;
		size_t n;

		mg_ber_iter_init(&in, t.val, t.len);
		if ((st = need(c, &in, &vas)) != MG_OK)
			return st;
		if ((st = var_access_spec(c, &vas, &n)) != MG_OK)
			return st;
		if ((st = need(c, &in, &res)) != MG_OK)
			return st;
		if (!is_ctx(&res, true, 0))
			return fail(c, MG_R_MMS_STRUCTURE);
		if ((st = walk_bounded(c, res.val, res.len)) != MG_OK)
			return st;
		if ((st = next(c, &in, &x)) == MG_OK)
			return fail(c, MG_R_MMS_STRUCTURE);
		if (st != MG_NEED_MORE)
			return st;
	}
	return tail_detail(c, &it);
}

static enum mg_status reject(struct mms_ctx *c, const uint8_t *p, size_t len)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;

	mg_ber_iter_init(&it, p, len);
	if ((st = need(c, &it, &t)) != MG_OK)
		return st;
	if (is_ctx(&t, false, 0)) { /* originalInvokeID */
		if ((st = invoke_id(c, &t)) != MG_OK)
			return st;
		if ((st = need(c, &it, &t)) != MG_OK)
			return st;
	}
	if (t.cls != MG_BER_CONTEXT || t.constructed || t.tag < 1 || t.tag > 11 ||
	    !mg_ber_int32(t.val, t.len, &c->pdu->reject_code))
		return fail(c, MG_R_MMS_STRUCTURE);
	c->pdu->reject_class = (int32_t)t.tag;
	if ((st = next(c, &it, &t)) == MG_OK)
		return fail(c, MG_R_MMS_STRUCTURE);
	return st == MG_NEED_MORE ? MG_OK : st;
}

static enum mg_status cancel_error(struct mms_ctx *c, const uint8_t *p, size_t len)
{
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;

	if ((st = lead_invoke_id(c, &it, p, len, MG_BER_CONTEXT, &t)) != MG_OK)
		return st;
	if (!is_ctx(&t, true, 1))
		return fail(c, MG_R_MMS_STRUCTURE);
	if ((st = service_error(c, t.val, t.len)) != MG_OK)
		return st;
	if ((st = next(c, &it, &t)) == MG_OK)
		return fail(c, MG_R_MMS_STRUCTURE);
	return st == MG_NEED_MORE ? MG_OK : st;
}

static bool int_range(const struct mg_ber_tlv *t, int32_t lo, int32_t hi, int32_t *v)
{
	return !t->constructed && mg_ber_int32(t->val, t->len, v) && *v >= lo && *v <= hi;
}

/* InitRequestDetail / InitResponseDetail */
static enum mg_status init_detail(struct mms_ctx *c, const uint8_t *p, size_t len)
{
	struct mg_mms_pdu *pdu = c->pdu;
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;
	int32_t v;
	unsigned seen = 0;

	mg_ber_iter_init(&it, p, len);
	while ((st = next(c, &it, &t)) == MG_OK) {
		if (t.cls != MG_BER_CONTEXT || t.constructed || t.tag > 2 || (seen & (1u << t.tag)))
			return fail(c, MG_R_MMS_STRUCTURE);
		seen |= 1u << t.tag;
		switch (t.tag) {
		case 0:
			if (!int_range(&t, 0, UINT16_MAX, &v))
				return fail(c, MG_R_MMS_STRUCTURE);
			pdu->version = (uint16_t)v;
			break;
		case 1: /* parameterCBB: BIT STRING, first octet = unused bits */
			if (t.len == 0 || t.val[0] > 7)
				return fail(c, MG_R_MMS_STRUCTURE);
			break;
		case 2: {
			size_t n;

			if (t.len == 0 || t.val[0] > 7)
				return fail(c, MG_R_MMS_STRUCTURE);
			n = t.len - 1;
			if (n > sizeof(pdu->services_supported))
				n = sizeof(pdu->services_supported);
			memcpy(pdu->services_supported, t.val + 1, n);
			pdu->has_services_supported = true;
			break;
		}
		}
	}
	if (st != MG_NEED_MORE)
		return st;
	return seen == 7 ? MG_OK : fail(c, MG_R_MMS_STRUCTURE);
}

static enum mg_status initiate(struct mms_ctx *c, const uint8_t *p, size_t len)
{
	struct mg_mms_pdu *pdu = c->pdu;
	struct mg_ber_iter it;
	struct mg_ber_tlv t;
	enum mg_status st;
	unsigned seen = 0;
	int32_t v;

	mg_ber_iter_init(&it, p, len);
	while ((st = next(c, &it, &t)) == MG_OK) {
		if (t.cls != MG_BER_CONTEXT || t.tag > 4 || (seen & (1u << t.tag)) ||
		    t.constructed != (t.tag == 4))
			return fail(c, MG_R_MMS_STRUCTURE);
		seen |= 1u << t.tag;
		switch (t.tag) {
		case 0:
			if (!int_range(&t, 0, INT32_MAX, &v))
				return fail(c, MG_R_MMS_STRUCTURE);
			pdu->local_detail = (uint32_t)v;
			break;
		case 1:
		case 2:
			/* Integer16 on paper; some stacks send more: clamp. */
			if (!int_range(&t, 0, INT32_MAX, &v))
				return fail(c, MG_R_MMS_STRUCTURE);
			v = v > UINT16_MAX ? UINT16_MAX : v;
			if (t.tag == 1)
				pdu->max_serv_calling = (uint16_t)v;
			else
				pdu->max_serv_called = (uint16_t)v;
			break;
		case 3:
			/* Integer8 on paper; test tools send 0x0808: clamp. */
			if (!int_range(&t, 0, INT32_MAX, &v))
				return fail(c, MG_R_MMS_STRUCTURE);
			pdu->nesting_level = (uint8_t)(v > UINT8_MAX ? UINT8_MAX : v);
			break;
		case 4:
			if ((st = init_detail(c, t.val, t.len)) != MG_OK)
				return st;
			break;
		}
	}
	if (st != MG_NEED_MORE)
		return st;
	/* [1], [2] and [4] are mandatory. */
	return (seen & 0x16) == 0x16 ? MG_OK : fail(c, MG_R_MMS_STRUCTURE);
}

enum mg_status mg_mms_parse(const uint8_t *p, size_t len, struct mg_mms_pdu *out,
			    enum mg_reason *why)
{
	struct mms_ctx c = {.pdu = out, .why = why};
	struct mg_ber_tlv t;
	enum mg_status st;

	/* Only the header fields need resetting; obj[] and filename_buf are
	 * valid up to nobj / per item, so skip clearing ~1 KiB per PDU. */
	memset(out, 0, offsetof(struct mg_mms_pdu, obj));
	out->service = MG_SVC_NONE;
	out->local_detail = 0;
	out->max_serv_calling = out->max_serv_called = 0;
	out->nesting_level = 0;
	out->version = 0;
	out->has_services_supported = false;
	memset(out->services_supported, 0, sizeof(out->services_supported));
	out->reject_class = out->reject_code = -1;
	out->error_class = out->error_code = -1;
	out->iec_class = MG_IEC_NONE;
	out->iec_class_dropped = MG_IEC_NONE;
	*why = MG_R_NONE;

	if ((st = mg_ber_tlv(p, len, &t, why)) != MG_OK)
		return st;
	if (t.hdr_len + t.len != len)
		return fail(&c, MG_R_MMS_TRAILING);
	if (t.cls != MG_BER_CONTEXT || t.tag >= MG_MMS_PDU__COUNT)
		return fail(&c, MG_R_MMS_PDU);
	out->type = (uint8_t)t.tag;

	/* Cancel request/response (Unsigned32) and conclude request/response
	 * (NULL) are primitive; every other choice is constructed. */
	bool prim = t.tag == MG_MMS_CANCEL_REQUEST || t.tag == MG_MMS_CANCEL_RESPONSE ||
		    t.tag == MG_MMS_CONCLUDE_REQUEST || t.tag == MG_MMS_CONCLUDE_RESPONSE;

	if (t.constructed == prim)
		return fail(&c, MG_R_MMS_STRUCTURE);

	switch (t.tag) {
	case MG_MMS_CONFIRMED_REQUEST:
		st = confirmed_request(&c, t.val, t.len);
		break;
	case MG_MMS_CONFIRMED_RESPONSE:
		st = confirmed_response(&c, t.val, t.len);
		break;
	case MG_MMS_CONFIRMED_ERROR:
		st = confirmed_error(&c, t.val, t.len);
		break;
	case MG_MMS_UNCONFIRMED:
		st = unconfirmed(&c, t.val, t.len);
		break;
	case MG_MMS_REJECT:
		st = reject(&c, t.val, t.len);
		break;
	case MG_MMS_CANCEL_REQUEST:
	case MG_MMS_CANCEL_RESPONSE:
		out->service = MG_SVC_CANCEL;
		st = invoke_id(&c, &t);
		break;
	case MG_MMS_CANCEL_ERROR:
		out->service = MG_SVC_CANCEL;
		st = cancel_error(&c, t.val, t.len);
		break;
	case MG_MMS_INITIATE_REQUEST:
	case MG_MMS_INITIATE_RESPONSE:
		out->service = MG_SVC_INITIATE;
		st = initiate(&c, t.val, t.len);
		break;
	case MG_MMS_INITIATE_ERROR:
		out->service = MG_SVC_INITIATE;
		st = service_error(&c, t.val, t.len);
		break;
	case MG_MMS_CONCLUDE_REQUEST:
	case MG_MMS_CONCLUDE_RESPONSE:
		out->service = MG_SVC_CONCLUDE;
		st = t.len == 0 ? MG_OK : fail(&c, MG_R_MMS_STRUCTURE);
		break;
	case MG_MMS_CONCLUDE_ERROR:
		out->service = MG_SVC_CONCLUDE;
		st = service_error(&c, t.val, t.len);
		break;
	default:
		st = fail(&c, MG_R_MMS_PDU);
		break;
	}
	if (st != MG_OK) {
		if (*why == MG_R_NONE)
			*why = MG_R_MMS_STRUCTURE;
		return st == MG_NEED_MORE ? fail(&c, MG_R_MMS_STRUCTURE) : st;
	}
	out->nobj_wire = out->nobj;
	mg_iec_classify(out);
	return MG_OK;
}
