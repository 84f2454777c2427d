/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MMS (ISO 9506-2) PDU builders for the generator. Each function writes one
 * complete MMSpdu following Wireshark's mms.asn tag for tag (the comments
 * name the ASN.1 component each element encodes), so that tshark decodes
 * the service, invokeID and object names we intended; the differential
 * test relies on that.
 */
#include <string.h>

#include "mg_gen.h"

/* Fixed IEC 61850 time stamp used in every generated value: the generator
 * is deterministic so that committed captures never change gratuitously. */
#define GEN_UTC_SECS 1764028800u /* 2025-11-25 00:00:00 UTC */

static void w_utc(struct mg_gen_w *w, uint32_t tag, uint64_t secs)
{
	uint8_t t[8] = {(uint8_t)(secs >> 24), (uint8_t)(secs >> 16), (uint8_t)(secs >> 8),
			(uint8_t)secs, 0x00, 0x00, 0x00, 0x0A /* quality: 10 bits accuracy */};
	mg_gen_w_prim(w, tag, t, sizeof(t));
}

static void w_bits(struct mg_gen_w *w, uint32_t tag, uint32_t v, uint8_t nbits)
{
	if (nbits > 32)
		nbits = 32;
	uint8_t b[5];
	size_t nbytes = (nbits + 7u) / 8u;
	b[0] = (uint8_t)(nbytes * 8u - nbits); /* unused bits in the last octet */
	for (size_t i = 0; i < nbytes; i++)
		b[1 + i] = (uint8_t)(v >> (24 - 8 * i));
	mg_gen_w_prim(w, tag, b, 1 + nbytes);
}

/*
 * Data ::= CHOICE { array [1], structure [2], boolean [3], bit-string [4],
 * integer [5], unsigned [6], floating-point [7], octet-string [9],
 * visible-string [10], utc-time [17], … }. Nesting is bounded by the
 * caller's constant tables, never by input.
 */
void mg_gen_w_data(struct mg_gen_w *w, const struct mg_gen_data *d)
{
	switch (d->kind) {
	case MG_GEN_D_BOOL: {
		uint8_t b = d->i ? 0x01 : 0x00;
		mg_gen_w_prim(w, MG_GEN_CTX(3), &b, 1);
		break;
	}
	case MG_GEN_D_INT: mg_gen_w_int(w, MG_GEN_CTX(5), d->i); break;
	case MG_GEN_D_UINT: mg_gen_w_int(w, MG_GEN_CTX(6), d->i); break;
	case MG_GEN_D_FLOAT: {
		uint32_t u;
		memcpy(&u, &d->f, 4);
		uint8_t b[5] = {8, (uint8_t)(u >> 24), (uint8_t)(u >> 16), (uint8_t)(u >> 8),
				(uint8_t)u};
		mg_gen_w_prim(w, MG_GEN_CTX(7), b, 5);
		break;
	}
	case MG_GEN_D_DOUBLE: {
		uint64_t u;
		memcpy(&u, &d->d, 8);
		uint8_t b[9] = {11};
		for (int k = 0; k < 8; k++)
			b[1 + k] = (uint8_t)(u >> (56 - 8 * k));
		mg_gen_w_prim(w, MG_GEN_CTX(7), b, 9);
		break;
	}
	case MG_GEN_D_BITS: w_bits(w, MG_GEN_CTX(4), d->bits, d->nbits); break;
	case MG_GEN_D_OCTETS: mg_gen_w_prim(w, MG_GEN_CTX(9), d->s, d->n); break;
	case MG_GEN_D_VSTRING: mg_gen_w_str(w, MG_GEN_CTX(10), d->s); break;
	case MG_GEN_D_UTC: w_utc(w, MG_GEN_CTX(17), d->utc ? d->utc : GEN_UTC_SECS); break;
	case MG_GEN_D_STRUCT:
	case MG_GEN_D_ARRAY:
		mg_gen_w_begin(w, MG_GEN_CTXC(d->kind == MG_GEN_D_STRUCT ? 2 : 1));
		for (size_t i = 0; i < d->n; i++)
			mg_gen_w_data(w, &d->sub[i]);
		mg_gen_w_end(w);
		break;
	case MG_GEN_D_FAIL:
	default: mg_gen_w_int(w, MG_GEN_CTX(0), d->i ? d->i : 10); break;
	}
}

void mg_gen_w_ctl(struct mg_gen_w *w, const struct mg_gen_ctl *c)
{
	mg_gen_w_begin(w, MG_GEN_CTXC(2)); /* structure */
	mg_gen_w_data(w, &c->ctl_val);     /* ctlVal */
	if (c->has_oper_tm)
		w_utc(w, MG_GEN_CTX(17), c->oper_tm); /* operTm */
	mg_gen_w_begin(w, MG_GEN_CTXC(2));            /* origin */
	mg_gen_w_int(w, MG_GEN_CTX(5), c->or_cat);    /* orCat */
	mg_gen_w_str(w, MG_GEN_CTX(9), c->or_ident ? c->or_ident : ""); /* orIdent */
	mg_gen_w_end(w);
	mg_gen_w_int(w, MG_GEN_CTX(6), c->ctl_num);         /* ctlNum */
	w_utc(w, MG_GEN_CTX(17), c->t ? c->t : GEN_UTC_SECS); /* T */
	uint8_t b = c->test ? 1 : 0;
	mg_gen_w_prim(w, MG_GEN_CTX(3), &b, 1); /* Test */
	if (c->with_check) /* Check: bit 0 synchrocheck, bit 1 interlock-check */
		w_bits(w, MG_GEN_CTX(4),
		       (c->synchrocheck ? 0x80000000u : 0) | (c->interlock ? 0x40000000u : 0), 2);
	mg_gen_w_end(w);
}

void mg_gen_w_oper(struct mg_gen_w *w, bool ctl_val, uint8_t ctl_num, bool with_check)
{
	struct mg_gen_ctl c = {
		.ctl_val = {.kind = MG_GEN_D_BOOL, .i = ctl_val},
		.or_cat = 3, /* remote-control */
		.or_ident = "SCADA1",
		.ctl_num = ctl_num,
		.with_check = with_check, /* no synchro/interlock check */
	};
	mg_gen_w_ctl(w, &c);
}

/* Confirmed-RequestPDU [0] { invokeID, service }: open/close around it. */
static void req_begin(struct mg_gen_w *w, uint8_t *buf, size_t cap, uint32_t invoke)
{
	mg_gen_w_init(w, buf, cap);
	mg_gen_w_begin(w, MG_GEN_CTXC(0));
	mg_gen_w_uint(w, MG_GEN_INTEGER, invoke);
}

static void resp_begin(struct mg_gen_w *w, uint8_t *buf, size_t cap, uint32_t invoke)
{
	mg_gen_w_init(w, buf, cap);
	mg_gen_w_begin(w, MG_GEN_CTXC(1));
	mg_gen_w_uint(w, MG_GEN_INTEGER, invoke);
}

static size_t pdu_end(struct mg_gen_w *w)
{
	mg_gen_w_end(w);
	return mg_gen_w_done(w);
}

/* listOfVariable [0] IMPLICIT SEQUENCE OF SEQUENCE { variableSpecification
 * name [0] ObjectName } */
static void w_list_of_variable(struct mg_gen_w *w, const char *const *names, int n)
{
	mg_gen_w_begin(w, MG_GEN_CTXC(0));
	for (int i = 0; i < n; i++) {
		mg_gen_w_begin(w, MG_GEN_SEQ);
		mg_gen_w_begin(w, MG_GEN_CTXC(0)); /* name */
		mg_gen_w_objname(w, names[i]);
		mg_gen_w_end(w);
		mg_gen_w_end(w);
	}
	mg_gen_w_end(w);
}

size_t mg_gen_mms_read(uint8_t *buf, size_t cap, uint32_t invoke, const char *const *names, int n)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(4));  /* read */
	mg_gen_w_begin(&w, MG_GEN_CTXC(1));  /* variableAccessSpecification */
	w_list_of_variable(&w, names, n);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_read_varlist(uint8_t *buf, size_t cap, uint32_t invoke, const char *vlname)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(4));
	mg_gen_w_bool(&w, MG_GEN_CTX(0), true); /* specificationWithResult */
	mg_gen_w_begin(&w, MG_GEN_CTXC(1));
	mg_gen_w_begin(&w, MG_GEN_CTXC(1)); /* variableListName */
	mg_gen_w_objname(&w, vlname);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_write_varlist(uint8_t *buf, size_t cap, uint32_t invoke, const char *vlname,
				const struct mg_gen_data *vals, int n)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(5));     /* write */
	mg_gen_w_begin(&w, MG_GEN_CTXC(1));     /* variableListName */
	mg_gen_w_objname(&w, vlname);
	mg_gen_w_end(&w);
	mg_gen_w_begin(&w, MG_GEN_CTXC(0));     /* listOfData: one per member */
	for (int i = 0; i < n; i++)
		mg_gen_w_data(&w, &vals[i]);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_write(uint8_t *buf, size_t cap, uint32_t invoke, const char *const *names,
			const struct mg_gen_data *vals, int n)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(5)); /* write */
	w_list_of_variable(&w, names, n);
	mg_gen_w_begin(&w, MG_GEN_CTXC(0)); /* listOfData */
	for (int i = 0; i < n; i++)
		mg_gen_w_data(&w, &vals[i]);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_write_oper(uint8_t *buf, size_t cap, uint32_t invoke, const char *name,
			     bool ctl_val, uint8_t ctl_num, bool with_check)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(5));
	w_list_of_variable(&w, &name, 1);
	mg_gen_w_begin(&w, MG_GEN_CTXC(0));
	mg_gen_w_oper(&w, ctl_val, ctl_num, with_check);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_write_ctl(uint8_t *buf, size_t cap, uint32_t invoke, const char *name,
			    const struct mg_gen_ctl *c)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(5));
	w_list_of_variable(&w, &name, 1);
	mg_gen_w_begin(&w, MG_GEN_CTXC(0));
	mg_gen_w_ctl(&w, c);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_get_name_list(uint8_t *buf, size_t cap, uint32_t invoke, int objclass,
				const char *domain, const char *continue_after)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(1)); /* getNameList */
	mg_gen_w_begin(&w, MG_GEN_CTXC(0)); /* objectClass */
	mg_gen_w_int(&w, MG_GEN_CTX(0), objclass); /* basicObjectClass */
	mg_gen_w_end(&w);
	mg_gen_w_begin(&w, MG_GEN_CTXC(1)); /* objectScope */
	if (domain)
		mg_gen_w_str(&w, MG_GEN_CTX(1), domain); /* domainSpecific */
	else
		mg_gen_w_null(&w, MG_GEN_CTX(0)); /* vmdSpecific */
	mg_gen_w_end(&w);
	if (continue_after)
		mg_gen_w_str(&w, MG_GEN_CTX(2), continue_after);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_identify(uint8_t *buf, size_t cap, uint32_t invoke)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_null(&w, MG_GEN_CTX(2));
	return pdu_end(&w);
}

size_t mg_gen_mms_status(uint8_t *buf, size_t cap, uint32_t invoke)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_bool(&w, MG_GEN_CTX(0), false); /* status: extendedDerivation FALSE */
	return pdu_end(&w);
}

size_t mg_gen_mms_gvaa(uint8_t *buf, size_t cap, uint32_t invoke, const char *name)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(6)); /* getVariableAccessAttributes */
	mg_gen_w_begin(&w, MG_GEN_CTXC(0)); /* name */
	mg_gen_w_objname(&w, name);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_define_nvl(uint8_t *buf, size_t cap, uint32_t invoke, const char *vlname,
			     const char *const *members, int n)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(11)); /* defineNamedVariableList */
	mg_gen_w_objname(&w, vlname);        /* variableListName */
	w_list_of_variable(&w, members, n);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_get_nvl_attr(uint8_t *buf, size_t cap, uint32_t invoke, const char *vlname)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(12)); /* explicit: ObjectName is a CHOICE */
	mg_gen_w_objname(&w, vlname);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_delete_nvl(uint8_t *buf, size_t cap, uint32_t invoke, const char *vlname)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(13)); /* deleteNamedVariableList */
	mg_gen_w_int(&w, MG_GEN_CTX(0), 0);  /* scopeOfDelete: specific */
	mg_gen_w_begin(&w, MG_GEN_CTXC(1));  /* listOfVariableListName */
	mg_gen_w_objname(&w, vlname);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_file_open(uint8_t *buf, size_t cap, uint32_t invoke, const char *file)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(72));                /* fileOpen */
	mg_gen_w_filename(&w, MG_GEN_CTXC(0), file, false); /* fileName */
	mg_gen_w_uint(&w, MG_GEN_CTX(1), 0);                /* initialPosition */
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_file_read(uint8_t *buf, size_t cap, uint32_t invoke, int32_t frsm)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_int(&w, MG_GEN_CTX(73), frsm);
	return pdu_end(&w);
}

size_t mg_gen_mms_file_close(uint8_t *buf, size_t cap, uint32_t invoke, int32_t frsm)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_int(&w, MG_GEN_CTX(74), frsm);
	return pdu_end(&w);
}

size_t mg_gen_mms_file_directory(uint8_t *buf, size_t cap, uint32_t invoke, const char *spec)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(77)); /* fileDirectory */
	if (spec)
		mg_gen_w_filename(&w, MG_GEN_CTXC(0), spec, false); /* fileSpecification */
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_file_delete(uint8_t *buf, size_t cap, uint32_t invoke, const char *file)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_filename(&w, MG_GEN_CTXC(76), file, false); /* fileDelete: IMPLICIT FileName */
	return pdu_end(&w);
}

size_t mg_gen_mms_obtain_file(uint8_t *buf, size_t cap, uint32_t invoke, const char *src,
			      const char *dst)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(46));               /* obtainFile */
	mg_gen_w_filename(&w, MG_GEN_CTXC(1), src, false); /* sourceFile */
	mg_gen_w_filename(&w, MG_GEN_CTXC(2), dst, false); /* destinationFile */
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_read_journal(uint8_t *buf, size_t cap, uint32_t invoke, const char *journal)
{
	struct mg_gen_w w;
	req_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(65)); /* readJournal */
	mg_gen_w_begin(&w, MG_GEN_CTXC(0));  /* journalName */
	mg_gen_w_objname(&w, journal);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

/* ------------------------------------------------------------ responses */

size_t mg_gen_mms_read_resp(uint8_t *buf, size_t cap, uint32_t invoke,
			    const struct mg_gen_data *vals, int n)
{
	struct mg_gen_w w;
	resp_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(4)); /* read */
	mg_gen_w_begin(&w, MG_GEN_CTXC(1)); /* listOfAccessResult */
	for (int i = 0; i < n; i++)
		mg_gen_w_data(&w, &vals[i]);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_write_resp(uint8_t *buf, size_t cap, uint32_t invoke, int n, int fail_mask)
{
	struct mg_gen_w w;
	resp_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(5)); /* write */
	for (int i = 0; i < n; i++) {
		if (fail_mask & (1 << i))
			mg_gen_w_int(&w, MG_GEN_CTX(0), 3); /* failure: object-access-denied */
		else
			mg_gen_w_null(&w, MG_GEN_CTX(1)); /* success */
	}
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_get_name_list_resp(uint8_t *buf, size_t cap, uint32_t invoke,
				     const char *const *ids, int n, bool more)
{
	struct mg_gen_w w;
	resp_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(1)); /* getNameList */
	mg_gen_w_begin(&w, MG_GEN_CTXC(0)); /* listOfIdentifier */
	for (int i = 0; i < n; i++)
		mg_gen_w_str(&w, MG_GEN_VISIBLE, ids[i]);
	mg_gen_w_end(&w);
	mg_gen_w_bool(&w, MG_GEN_CTX(1), more); /* moreFollows */
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_identify_resp(uint8_t *buf, size_t cap, uint32_t invoke, const char *vendor,
				const char *model, const char *rev)
{
	struct mg_gen_w w;
	resp_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(2)); /* identify */
	mg_gen_w_str(&w, MG_GEN_CTX(0), vendor);
	mg_gen_w_str(&w, MG_GEN_CTX(1), model);
	mg_gen_w_str(&w, MG_GEN_CTX(2), rev);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_status_resp(uint8_t *buf, size_t cap, uint32_t invoke)
{
	struct mg_gen_w w;
	resp_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(0));  /* status */
	mg_gen_w_int(&w, MG_GEN_CTX(0), 0);  /* vmdLogicalStatus: state-changes-allowed */
	mg_gen_w_int(&w, MG_GEN_CTX(1), 1);  /* vmdPhysicalStatus: operational */
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_gvaa_resp(uint8_t *buf, size_t cap, uint32_t invoke)
{
	struct mg_gen_w w;
	resp_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(6));       /* getVariableAccessAttributes */
	mg_gen_w_bool(&w, MG_GEN_CTX(0), false);  /* mmsDeletable */
	mg_gen_w_begin(&w, MG_GEN_CTXC(2));       /* typeSpecification */
	mg_gen_w_begin(&w, MG_GEN_CTXC(2));       /* structure */
	mg_gen_w_begin(&w, MG_GEN_CTXC(1));       /* components */
	static const char *const comp[] = {"stVal", "q", "t"};
	for (int i = 0; i < 3; i++) {
		mg_gen_w_begin(&w, MG_GEN_SEQ);
		mg_gen_w_str(&w, MG_GEN_CTX(0), comp[i]); /* componentName */
		mg_gen_w_begin(&w, MG_GEN_CTXC(1));       /* componentType */
		if (i == 0)
			mg_gen_w_int(&w, MG_GEN_CTX(4), -2); /* bit-string, 2 bits */
		else if (i == 1)
			mg_gen_w_int(&w, MG_GEN_CTX(4), -13);
		else
			mg_gen_w_null(&w, MG_GEN_CTX(17)); /* utc-time */
		mg_gen_w_end(&w);
		mg_gen_w_end(&w);
	}
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_define_nvl_resp(uint8_t *buf, size_t cap, uint32_t invoke)
{
	return mg_gen_mms_null_resp(buf, cap, invoke, 11);
}

size_t mg_gen_mms_get_nvl_attr_resp(uint8_t *buf, size_t cap, uint32_t invoke,
				    const char *const *members, int n)
{
	struct mg_gen_w w;
	resp_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(12));     /* getNamedVariableListAttributes */
	mg_gen_w_bool(&w, MG_GEN_CTX(0), true);  /* mmsDeletable */
	mg_gen_w_begin(&w, MG_GEN_CTXC(1));      /* listOfVariable */
	for (int i = 0; i < n; i++) {
		mg_gen_w_begin(&w, MG_GEN_SEQ);
		mg_gen_w_begin(&w, MG_GEN_CTXC(0));
		mg_gen_w_objname(&w, members[i]);
		mg_gen_w_end(&w);
		mg_gen_w_end(&w);
	}
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_delete_nvl_resp(uint8_t *buf, size_t cap, uint32_t invoke)
{
	struct mg_gen_w w;
	resp_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(13));
	mg_gen_w_uint(&w, MG_GEN_CTX(0), 1); /* numberMatched */
	mg_gen_w_uint(&w, MG_GEN_CTX(1), 1); /* numberDeleted */
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_file_open_resp(uint8_t *buf, size_t cap, uint32_t invoke, int32_t frsm,
				 uint32_t size)
{
	struct mg_gen_w w;
	resp_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(72));
	mg_gen_w_int(&w, MG_GEN_CTX(0), frsm); /* frsmID */
	mg_gen_w_begin(&w, MG_GEN_CTXC(1));    /* fileAttributes */
	mg_gen_w_uint(&w, MG_GEN_CTX(0), size); /* sizeOfFile */
	mg_gen_w_str(&w, MG_GEN_CTX(1), "20251125000000Z"); /* lastModified */
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_file_read_resp(uint8_t *buf, size_t cap, uint32_t invoke, const void *data,
				 size_t n, bool more)
{
	struct mg_gen_w w;
	resp_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(73));
	mg_gen_w_prim(&w, MG_GEN_CTX(0), data, n); /* fileData */
	mg_gen_w_bool(&w, MG_GEN_CTX(1), more);    /* moreFollows */
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_null_resp(uint8_t *buf, size_t cap, uint32_t invoke, uint32_t svc)
{
	struct mg_gen_w w;
	resp_begin(&w, buf, cap, invoke);
	mg_gen_w_null(&w, MG_GEN_CTX(svc));
	return pdu_end(&w);
}

size_t mg_gen_mms_file_directory_resp(uint8_t *buf, size_t cap, uint32_t invoke,
				      const char *const *files, int n)
{
	struct mg_gen_w w;
	resp_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(77));
	mg_gen_w_begin(&w, MG_GEN_CTXC(0)); /* listOfDirectoryEntry (explicit tag) */
	mg_gen_w_begin(&w, MG_GEN_SEQ);
	for (int i = 0; i < n; i++) {
		mg_gen_w_begin(&w, MG_GEN_SEQ);
		mg_gen_w_filename(&w, MG_GEN_CTXC(0), files[i], false); /* fileName */
		mg_gen_w_begin(&w, MG_GEN_CTXC(1));                     /* fileAttributes */
		mg_gen_w_uint(&w, MG_GEN_CTX(0), 1024u * (uint32_t)(i + 1));
		mg_gen_w_end(&w);
		mg_gen_w_end(&w);
	}
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	mg_gen_w_bool(&w, MG_GEN_CTX(1), false); /* moreFollows */
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_read_journal_resp(uint8_t *buf, size_t cap, uint32_t invoke)
{
	struct mg_gen_w w;
	resp_begin(&w, buf, cap, invoke);
	mg_gen_w_begin(&w, MG_GEN_CTXC(65));
	mg_gen_w_begin(&w, MG_GEN_CTXC(0)); /* listOfJournalEntry: empty */
	mg_gen_w_end(&w);
	mg_gen_w_bool(&w, MG_GEN_CTX(1), false);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

/* ---------------------------------------------------------- other PDUs */

size_t mg_gen_mms_info_report(uint8_t *buf, size_t cap, const char *vlname,
			      const struct mg_gen_data *vals, int n)
{
	struct mg_gen_w w;
	mg_gen_w_init(&w, buf, cap);
	mg_gen_w_begin(&w, MG_GEN_CTXC(3)); /* unconfirmed-PDU */
	mg_gen_w_begin(&w, MG_GEN_CTXC(0)); /* informationReport */
	mg_gen_w_begin(&w, MG_GEN_CTXC(1)); /* variableListName */
	mg_gen_w_objname(&w, vlname);
	mg_gen_w_end(&w);
	mg_gen_w_begin(&w, MG_GEN_CTXC(0)); /* listOfAccessResult */
	for (int i = 0; i < n; i++)
		mg_gen_w_data(&w, &vals[i]);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_info_report_var(uint8_t *buf, size_t cap, const char *name,
				  const struct mg_gen_data *val)
{
	struct mg_gen_w w;
	mg_gen_w_init(&w, buf, cap);
	mg_gen_w_begin(&w, MG_GEN_CTXC(3)); /* unconfirmed-PDU */
	mg_gen_w_begin(&w, MG_GEN_CTXC(0)); /* informationReport */
	w_list_of_variable(&w, &name, 1);   /* listOfVariable */
	mg_gen_w_begin(&w, MG_GEN_CTXC(0)); /* listOfAccessResult */
	mg_gen_w_data(&w, val);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_confirmed_error(uint8_t *buf, size_t cap, uint32_t invoke, int errclass,
				  int code)
{
	struct mg_gen_w w;
	mg_gen_w_init(&w, buf, cap);
	mg_gen_w_begin(&w, MG_GEN_CTXC(2));        /* confirmed-ErrorPDU */
	mg_gen_w_uint(&w, MG_GEN_CTX(0), invoke);  /* invokeID */
	mg_gen_w_begin(&w, MG_GEN_CTXC(2));        /* serviceError */
	mg_gen_w_begin(&w, MG_GEN_CTXC(0));        /* errorClass */
	mg_gen_w_int(&w, MG_GEN_CTX((uint32_t)errclass), code);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	return pdu_end(&w);
}

size_t mg_gen_mms_reject(uint8_t *buf, size_t cap, uint32_t invoke, int reason_tag, int code)
{
	struct mg_gen_w w;
	mg_gen_w_init(&w, buf, cap);
	mg_gen_w_begin(&w, MG_GEN_CTXC(4));       /* rejectPDU */
	mg_gen_w_uint(&w, MG_GEN_CTX(0), invoke); /* originalInvokeID */
	mg_gen_w_int(&w, MG_GEN_CTX((uint32_t)reason_tag), code); /* rejectReason */
	return pdu_end(&w);
}

size_t mg_gen_mms_cancel_req(uint8_t *buf, size_t cap, uint32_t invoke)
{
	struct mg_gen_w w;
	mg_gen_w_init(&w, buf, cap);
	mg_gen_w_uint(&w, MG_GEN_CTX(5), invoke);
	return mg_gen_w_done(&w);
}

size_t mg_gen_mms_cancel_resp(uint8_t *buf, size_t cap, uint32_t invoke)
{
	struct mg_gen_w w;
	mg_gen_w_init(&w, buf, cap);
	mg_gen_w_uint(&w, MG_GEN_CTX(6), invoke);
	return mg_gen_w_done(&w);
}

/* servicesSupported: read, write, getNameList, identify, GVAA, NVL
 * services, file services, informationReport, conclude, cancel. */
static const uint8_t gen_services[11] = {0xEE, 0x1C, 0x00, 0x00, 0x04, 0x08,
					 0x00, 0x00, 0x79, 0xEF, 0x18};

static void w_initiate(struct mg_gen_w *w, uint32_t tag, uint32_t max_pdu)
{
	mg_gen_w_begin(w, tag);
	mg_gen_w_uint(w, MG_GEN_CTX(0), max_pdu); /* localDetailCalling/Called */
	mg_gen_w_uint(w, MG_GEN_CTX(1), 5);       /* maxServOutstandingCalling */
	mg_gen_w_uint(w, MG_GEN_CTX(2), 5);       /* maxServOutstandingCalled */
	mg_gen_w_uint(w, MG_GEN_CTX(3), 10);      /* dataStructureNestingLevel */
	mg_gen_w_begin(w, MG_GEN_CTXC(4));        /* mmsInit{Request,Response}Detail */
	mg_gen_w_uint(w, MG_GEN_CTX(0), 1);       /* versionNumber */
	static const uint8_t cbb[3] = {0x05, 0xF1, 0x00}; /* parameterCBB, 11 bits */
	mg_gen_w_prim(w, MG_GEN_CTX(1), cbb, sizeof(cbb));
	uint8_t ss[12];
	ss[0] = 0x03; /* 85 bits of servicesSupported in 11 octets */
	memcpy(ss + 1, gen_services, sizeof(gen_services));
	mg_gen_w_prim(w, MG_GEN_CTX(2), ss, sizeof(ss));
	mg_gen_w_end(w);
	mg_gen_w_end(w);
}

size_t mg_gen_mms_initiate_req(uint8_t *buf, size_t cap, uint32_t max_pdu)
{
	struct mg_gen_w w;
	mg_gen_w_init(&w, buf, cap);
	w_initiate(&w, MG_GEN_CTXC(8), max_pdu);
	return mg_gen_w_done(&w);
}

size_t mg_gen_mms_initiate_resp(uint8_t *buf, size_t cap, uint32_t max_pdu)
{
	struct mg_gen_w w;
	mg_gen_w_init(&w, buf, cap);
	w_initiate(&w, MG_GEN_CTXC(9), max_pdu);
	return mg_gen_w_done(&w);
}

size_t mg_gen_mms_conclude_req(uint8_t *buf, size_t cap)
{
	struct mg_gen_w w;
	mg_gen_w_init(&w, buf, cap);
	mg_gen_w_null(&w, MG_GEN_CTX(11));
	return mg_gen_w_done(&w);
}

size_t mg_gen_mms_conclude_resp(uint8_t *buf, size_t cap)
{
	struct mg_gen_w w;
	mg_gen_w_init(&w, buf, cap);
	mg_gen_w_null(&w, MG_GEN_CTX(12));
	return mg_gen_w_done(&w);
}
