/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MMS PDU decoder vectors: every MMSpdu choice, invokeID widths, object
 * references of each request family, initiate parameters, reject / error
 * codes, and the malformed cases (length past parent, long and indefinite
 * lengths, nesting, empty lists, bad names, truncation at every byte).
 *
 * Real PDUs are taken from the CC BY 4.0 ITI captures
 * (../shared/pcaps/public/iti-ics-security-tools, frame numbers given);
 * synthetic ones are written in a small bracket notation, "a0{020101}",
 * where {…} is the content of the preceding tag (its length is computed) and
 * '…' a string with its length, so every vector stays readable field by
 * field.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "mg_ber.h"
#include "mg_iec61850.h"
#include "mg_mms.h"
#include "mg_test_util.h"

/* ------------------------------------------------------------- builder */

static size_t put_len(uint8_t *o, size_t n)
{
	if (n < 0x80) {
		o[0] = (uint8_t)n;
		return 1;
	}
	if (n < 0x100) {
		o[0] = 0x81;
		o[1] = (uint8_t)n;
		return 2;
	}
	o[0] = 0x82;
	o[1] = (uint8_t)(n >> 8);
	o[2] = (uint8_t)n;
	return 3;
}

static int hexv(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Test-only notation (bounded by the literal, so recursion is fine). */
static const char *bld_rec(const char *s, uint8_t *out, size_t *n, size_t cap)
{
	while (*s && *s != '}') {
		if (*s == ' ' || *s == '\n' || *s == '\t') {
			s++;
		} else if (*s == '{') {
			static __thread uint8_t tmp[16][8192];
			static __thread int lvl;
			size_t m = 0;

			cr_assert(lvl < 16, "builder nesting");
			uint8_t *t = tmp[lvl++];

			s = bld_rec(s + 1, t, &m, sizeof(tmp[0]));
			lvl--;
			cr_assert(*s == '}', "unbalanced {");
			s++;
			cr_assert(*n + m + 3 <= cap);
			*n += put_len(out + *n, m);
			memcpy(out + *n, t, m);
			*n += m;
		} else if (*s == '\'') {
			const char *e = strchr(s + 1, '\'');

			cr_assert(e, "unterminated string");
			size_t m = (size_t)(e - s - 1);

			cr_assert(*n + m + 3 <= cap);
			*n += put_len(out + *n, m);
			memcpy(out + *n, s + 1, m);
			*n += m;
			s = e + 1;
		} else {
			int hi = hexv(s[0]), lo = hexv(s[1]);

			cr_assert(hi >= 0 && lo >= 0, "bad hex at '%.10s'", s);
			cr_assert(*n < cap);
			out[(*n)++] = (uint8_t)(hi << 4 | lo);
			s += 2;
		}
	}
	return s;
}

static size_t bld(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;

	s = bld_rec(s, out, &n, cap);
	cr_assert(*s == '\0', "unbalanced }");
	return n;
}

static uint8_t buf[16384];
static struct mg_mms_pdu pdu;
static enum mg_reason why;

static enum mg_status parse_hex(const char *hex)
{
	size_t n = mg_test_hex(hex, buf, sizeof(buf));

	return mg_mms_parse(buf, n, &pdu, &why);
}

static enum mg_status parse_b(const char *notation)
{
	size_t n = bld(notation, buf, sizeof(buf));

	return mg_mms_parse(buf, n, &pdu, &why);
}

#define OK(st) cr_assert_eq((st), MG_OK, "status %s reason %s", mg_status_str(st), mg_reason_str(why))
#define BAD(st, r)                                                                              \
	do {                                                                                    \
		enum mg_status s_ = (st);                                                       \
		cr_assert_eq(s_, MG_MALFORMED, "expected malformed, got %s", mg_status_str(s_)); \
		cr_assert_eq(why, (r), "reason %s, expected %s", mg_reason_str(why),             \
			     mg_reason_str(r));                                                 \
	} while (0)

static void obj_is(unsigned i, uint8_t scope, uint8_t kind, const char *dom, const char *item)
{
	cr_assert_lt(i, pdu.nobj);
	const struct mg_mms_obj *o = &pdu.obj[i];

	cr_assert_eq(o->scope, scope, "obj %u scope %u", i, o->scope);
	cr_assert_eq(o->kind, kind, "obj %u kind %u", i, o->kind);
	if (dom) {
		cr_assert_eq(o->domain_len, strlen(dom));
		cr_assert(memcmp(o->domain, dom, o->domain_len) == 0, "obj %u domain %.*s", i,
			  o->domain_len, (const char *)o->domain);
	} else {
		cr_assert_null(o->domain);
	}
	if (item) {
		cr_assert_eq(o->item_len, strlen(item), "obj %u item %.*s", i, o->item_len,
			     (const char *)o->item);
		cr_assert(memcmp(o->item, item, o->item_len) == 0, "obj %u item %.*s", i,
			  o->item_len, (const char *)o->item);
	} else {
		cr_assert_null(o->item);
	}
}

/* ------------------------------------------------------- real captures */

/* Sample_File_MMS_and_GOOSE.pcap frame 110 */
static const char *V_INIT_REQ =
	"a8 26"                     /* initiate-RequestPDU */
	" 80 03 00fa00"             /* localDetailCalling 64000 */
	" 81 01 0a"                 /* proposedMaxServOutstandingCalling 10 */
	" 82 01 0a"                 /* proposedMaxServOutstandingCalled 10 */
	" 83 01 05"                 /* proposedDataStructureNestingLevel 5 */
	" a4 16"                    /* mmsInitRequestDetail */
	"  80 01 01"                /* proposedVersionNumber 1 */
	"  81 03 05 e100"           /* proposedParameterCBB */
	"  82 0c 03 a00000000000000000e110"; /* servicesSupportedCalling */

Test(mms, real_initiate_request)
{
	OK(parse_hex(V_INIT_REQ));
	cr_assert_eq(pdu.type, MG_MMS_INITIATE_REQUEST);
	cr_assert_eq(pdu.service, MG_SVC_INITIATE);
	cr_assert_eq(pdu.local_detail, 64000);
	cr_assert_eq(pdu.max_serv_calling, 10);
	cr_assert_eq(pdu.max_serv_called, 10);
	cr_assert_eq(pdu.nesting_level, 5);
	cr_assert_eq(pdu.version, 1);
	cr_assert(pdu.has_services_supported);
	cr_assert_eq(pdu.services_supported[0], 0xa0); /* status, identify */
	cr_assert_eq(pdu.services_supported[9], 0xe1);
	cr_assert_eq(pdu.services_supported[10], 0x10);
	cr_assert_eq(pdu.services_supported[11], 0x00);
	cr_assert_not(pdu.has_invoke_id);
	cr_assert_eq(pdu.iec_class, MG_IEC_ASSOCIATION);
	cr_assert_eq(pdu.nobj, 0);
}

Test(mms, real_initiate_response)
{
	/* frame 111 */
	OK(parse_hex("a925 80027d00 81010a 820108 830105 a416 800101 810305e100"
		     " 820c03ee0800000400000001ed18"));
	cr_assert_eq(pdu.type, MG_MMS_INITIATE_RESPONSE);
	cr_assert_eq(pdu.local_detail, 32000);
	cr_assert_eq(pdu.max_serv_called, 8);
	cr_assert_eq(pdu.services_supported[0], 0xee);
}

Test(mms, initiate_without_local_detail_and_wide_nesting)
{
	/* iec.pcap frame 17: no localDetailCalling */
	OK(parse_hex("a81f 810100 820100 a417 800100 810305e800"
		     " 820d03ffffffffffffffffffffff00"));
	cr_assert_eq(pdu.local_detail, 0);
	cr_assert_eq(pdu.version, 0);
	cr_assert_eq(pdu.services_supported[10], 0xff); /* 12 bytes kept */
	/* mms-cancelRequest.pcap frame 8: nesting level 0x0808 (Integer8 on
	 * paper) is clamped, not refused */
	OK(parse_hex("a826 8002001f 810103 820103 83020808 a416 800101 810305e800"
		     " 820c03ffffffffffffffffffffff"));
	cr_assert_eq(pdu.local_detail, 31);
	cr_assert_eq(pdu.nesting_level, 255);
}

Test(mms, initiate_missing_mandatory)
{
	/* no initRequestDetail [4] */
	BAD(parse_b("a8{ 81{0a} 82{0a} }"), MG_R_MMS_STRUCTURE);
	/* detail without servicesSupported */
	BAD(parse_b("a8{ 81{0a} 82{0a} a4{ 80{01} 81{05e100} } }"), MG_R_MMS_STRUCTURE);
	/* duplicated parameter */
	BAD(parse_b("a8{ 81{0a} 81{0a} 82{0a} a4{ 80{01} 81{05e100} 82{03ee} } }"),
	    MG_R_MMS_STRUCTURE);
	/* initiate-error: ServiceError errorClass initiate(8) code 1 */
	OK(parse_b("aa{ a0{ 88{01} } }"));
	cr_assert_eq(pdu.type, MG_MMS_INITIATE_ERROR);
	cr_assert_eq(pdu.error_class, 8);
	cr_assert_eq(pdu.error_code, 1);
}

Test(mms, real_get_variable_access_attributes)
{
	/* Sample_File_MMS_and_GOOSE.pcap frame 124 */
	OK(parse_hex("a0 2c"            /* confirmed-RequestPDU */
		     " 02 03 04a273"    /* invokeID 303731 */
		     " a6 25"           /* getVariableAccessAttributes */
		     "  a0 23"          /* name */
		     "   a1 21"         /* domain-specific */
		     "    1a 0e 41413145315130314650324c4430" /* AA1E1Q01FP2LD0 */
		     "    1a 0f 4c4c4e30244252247263625f423032")); /* LLN0$BR$rcb_B02 */
	cr_assert_eq(pdu.type, MG_MMS_CONFIRMED_REQUEST);
	cr_assert(pdu.has_invoke_id);
	cr_assert_eq(pdu.invoke_id, 303731);
	cr_assert_eq(pdu.service, MG_SVC_GET_VAR_ACCESS_ATTR);
	cr_assert_eq(pdu.nobj, 1);
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_VARIABLE, "AA1E1Q01FP2LD0", "LLN0$BR$rcb_B02");
	cr_assert_eq(pdu.iec_class, MG_IEC_BROWSE);
	/* iec61850_get_variable_access_attributes.pcap frame 12: vmd "mu" */
	OK(parse_hex("a00b 020100 a606 a004 8002 6d75"));
	obj_is(0, MG_OBJ_VMD, MG_OBJK_VARIABLE, NULL, "mu");
}

Test(mms, real_confirmed_error)
{
	/* frame 126: serviceError errorClass access(7) object-non-existent(2) */
	OK(parse_hex("a2 0c 80 03 04a273 a2 05 a0 03 87 01 02"));
	cr_assert_eq(pdu.type, MG_MMS_CONFIRMED_ERROR);
	cr_assert_eq(pdu.invoke_id, 303731);
	cr_assert_eq(pdu.error_class, 7);
	cr_assert_eq(pdu.error_code, 2);
	cr_assert_eq(pdu.service, MG_SVC_NONE);
	cr_assert_eq(pdu.iec_class, MG_IEC_NONE);
	/* with modifierPosition and additionalCode */
	OK(parse_b("a2{ 80{05} 81{00} a2{ a0{ 82{01} } 81{07} } }"));
	cr_assert_eq(pdu.invoke_id, 5);
	cr_assert_eq(pdu.error_class, 2);
	cr_assert_eq(pdu.error_code, 1);
}

Test(mms, real_read_request_and_response)
{
	/* frame 128 */
	OK(parse_hex("a032 020304a274 a42b a129 a027 3025 a023 a121"
		     " 1a0e41413145315130314650324c4430 1a0f4c4c4e30244252247263625f423032"));
	cr_assert_eq(pdu.service, MG_SVC_READ);
	cr_assert_eq(pdu.invoke_id, 303732);
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_VARIABLE, "AA1E1Q01FP2LD0", "LLN0$BR$rcb_B02");
	cr_assert_eq(pdu.iec_class, MG_IEC_READ);
	/* frame 129: read response, failure object-non-existent */
	OK(parse_hex("a10c 020304a274 a405 a103 80010a"));
	cr_assert_eq(pdu.type, MG_MMS_CONFIRMED_RESPONSE);
	cr_assert_eq(pdu.service, MG_SVC_READ);
	cr_assert_eq(pdu.invoke_id, 303732);
	cr_assert_eq(pdu.nobj, 0);
}

Test(mms, real_write_setting)
{
	/* iec.pcap frame 19: write vmd-specific ACTSETGGIO80$DC$NamPlt$vendor */
	OK(parse_hex("a0 2f 020100 a5 2a"
		     " a0 23 30 21 a0 1f 80 1d 4143545345544747494f3830244443244e616d506c742476656e646f72"
		     " a0 03 85 01 00")); /* listOfData: integer 0 */
	cr_assert_eq(pdu.service, MG_SVC_WRITE);
	obj_is(0, MG_OBJ_VMD, MG_OBJK_VARIABLE, NULL, "ACTSETGGIO80$DC$NamPlt$vendor");
	cr_assert_eq(pdu.iec_class, MG_IEC_SETTING);
}

Test(mms, real_iccp_write_and_report)
{
	/* 8d7c7db0….pcap frame 59: write of a structure to KIRKLAND/CITEC_TS0 */
	OK(parse_hex("a06c02021154a566a01b3019a017a1151a084b49524b4c414e441a0943495445435f545330"
		     "a047a245a2218601018a084b49524b4c414e448a12454d535f414e414c4f475f494343505f"
		     "494e85010085011e85010085010085010084020380830100830100830101830101850100"));
	cr_assert_eq(pdu.invoke_id, 0x1154);
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_VARIABLE, "KIRKLAND", "CITEC_TS0");
	/* no '$': for IEC 61850 a whole logical node, so the worst case */
	cr_assert_eq(pdu.iec_class, MG_IEC_OTHER);
	/* frame 65: write response success */
	OK(parse_hex("a10802021154a5028100"));
	cr_assert_eq(pdu.service, MG_SVC_WRITE);
	/* frame 68: informationReport with a variableListName */
	OK(parse_hex(
		"a3820124a0820120a120a11e1a084b49524b4c414e441a12454d535f414e414c4f475f494343505f494e"
		"a081fba2188601018a084b49524b4c414e448a0943495445435f54533084020380a20b87050800000000"
		"84020030a20b8705080000000084020030a20b8705080000000084020030a20b87050800000000840200"
		"30a20b8705080000000084020030a20b8705080000000084020030a20b8705080000000084020030a20b"
		"8705080000000084020030a20b8705080000000084020030a20b8705080000000084020030a20b870508"
		"0000000084020030a20b8705080000000084020030a20b8705080000000084020030a20b870508000000"
		"0084020030a20b8705080000000084020030a20b8705080000000084020030a20b870508000000008402"
		"0030"));
	cr_assert_eq(pdu.type, MG_MMS_UNCONFIRMED);
	cr_assert_eq(pdu.service, MG_SVC_INFORMATION_REPORT);
	cr_assert_not(pdu.has_invoke_id);
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_VARLIST, "KIRKLAND", "EMS_ANALOG_ICCP_IN");
	cr_assert_eq(pdu.iec_class, MG_IEC_REPORT);
}

Test(mms, real_get_name_list_and_nvl_attributes)
{
	/* iec61850_get_name_list.pcap frame 12: namedVariable, vmdSpecific */
	OK(parse_hex("a00e 020100 a109 a003 800100 a102 8000"));
	cr_assert_eq(pdu.service, MG_SVC_GET_NAME_LIST);
	cr_assert_eq(pdu.nobj, 0);
	cr_assert_eq(pdu.iec_class, MG_IEC_BROWSE);
	/* 8d7c7db0….pcap frame 35: namedVariableList, domainSpecific KIRKLAND */
	OK(parse_hex("a017 02021151 a111 a003 800102 a10a 8108 4b49524b4c414e44"));
	cr_assert_eq(pdu.nobj, 1);
	obj_is(0, MG_OBJ_DOMAIN_NAME, MG_OBJK_DOMAIN, "KIRKLAND", NULL);
	cr_assert_eq(pdu.iec_class, MG_IEC_BROWSE);
	/* frame 41: getNamedVariableListAttributes KIRKLAND/EMS_ANALOG_ICCP_IN */
	OK(parse_hex("a02602021152ac20a11e1a084b49524b4c414e441a12454d535f414e414c4f475f494343505f494e"));
	cr_assert_eq(pdu.service, MG_SVC_GET_NAMED_VAR_LIST_ATTR);
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_VARLIST, "KIRKLAND", "EMS_ANALOG_ICCP_IN");
	cr_assert_eq(pdu.iec_class, MG_IEC_BROWSE);
}

Test(mms, real_misc_services)
{
	/* identify (frame 17), invokeID 2 octets */
	OK(parse_hex("a006 0202114f 8200"));
	cr_assert_eq(pdu.service, MG_SVC_IDENTIFY);
	cr_assert_eq(pdu.invoke_id, 0x114f);
	/* identify response (frame 26) */
	OK(parse_hex("a130020101a22b801541524556412054264420436f72706f726174696f6e810b652d74657272"
		     "61636f6d6d8205322e332e31"));
	cr_assert_eq(pdu.type, MG_MMS_CONFIRMED_RESPONSE);
	cr_assert_eq(pdu.service, MG_SVC_IDENTIFY);
	/* status (piccolo.pcap frame 5) */
	OK(parse_hex("a006 020102 800100"));
	cr_assert_eq(pdu.service, MG_SVC_STATUS);
	cr_assert_eq(pdu.iec_class, MG_IEC_BROWSE);
	/* getDomainAttributes [37] (two-byte tag 9f25) */
	OK(parse_hex("a016 020101 9f25 10 44544c6f6746696c6573446f6d61696e"));
	cr_assert_eq(pdu.service, 37);
	obj_is(0, MG_OBJ_DOMAIN_NAME, MG_OBJK_DOMAIN, "DTLogFilesDomain", NULL);
	cr_assert_eq(pdu.iec_class, MG_IEC_BROWSE);
	/* kill [44] */
	OK(parse_hex("a01f020101bf2c198017523339353032343339374170706c69636174696f6e5f31"));
	cr_assert_eq(pdu.service, 44);
	obj_is(0, MG_OBJ_VMD, MG_OBJK_OTHER, NULL, "R395024397Application_1");
	cr_assert_eq(pdu.iec_class, MG_IEC_OTHER);
	/* takeControl [19] semaphore "reserved" */
	OK(parse_hex("a017020101b312a00a80087265736572766564830101860101"));
	cr_assert_eq(pdu.service, 19);
	obj_is(0, MG_OBJ_VMD, MG_OBJK_OTHER, NULL, "reserved");
	/* initiateDownloadSequence [26] */
	OK(parse_hex("a029020101ba24801044544c6f6746696c6573446f6d61696ea10d1a0b4d7553656341433830304d820100"));
	cr_assert_eq(pdu.service, 26);
	obj_is(0, MG_OBJ_DOMAIN_NAME, MG_OBJK_DOMAIN, "DTLogFilesDomain", NULL);
	/* terminateUploadSequence [31] */
	OK(parse_hex("a0080201019f1f020000"));
	cr_assert_eq(pdu.service, 31);
	cr_assert_eq(pdu.iec_class, MG_IEC_OTHER);
}

Test(mms, conclude_cancel_and_reject)
{
	OK(parse_hex("8b00"));
	cr_assert_eq(pdu.type, MG_MMS_CONCLUDE_REQUEST);
	cr_assert_eq(pdu.service, MG_SVC_CONCLUDE);
	cr_assert_eq(pdu.iec_class, MG_IEC_ASSOCIATION);
	OK(parse_hex("8c00"));
	cr_assert_eq(pdu.type, MG_MMS_CONCLUDE_RESPONSE);
	/* conclude-error: conclude(9) further-communication-required(1) */
	OK(parse_b("ad{ a0{ 89{01} } }"));
	cr_assert_eq(pdu.type, MG_MMS_CONCLUDE_ERROR);
	cr_assert_eq(pdu.error_class, 9);
	BAD(parse_hex("8b0100"), MG_R_MMS_STRUCTURE); /* NULL with content */
	BAD(parse_hex("ab00"), MG_R_MMS_STRUCTURE);   /* constructed conclude */

	/* cancel (mms-cancelRequest.pcap frame 12) */
	OK(parse_hex("850101"));
	cr_assert_eq(pdu.type, MG_MMS_CANCEL_REQUEST);
	cr_assert_eq(pdu.service, MG_SVC_CANCEL);
	cr_assert(pdu.has_invoke_id);
	cr_assert_eq(pdu.invoke_id, 1);
	OK(parse_hex("86 02 1234"));
	cr_assert_eq(pdu.type, MG_MMS_CANCEL_RESPONSE);
	cr_assert_eq(pdu.invoke_id, 0x1234);
	/* cancel-error: originalInvokeID 7, cancel(10) cancel-not-possible(2) */
	OK(parse_b("a7{ 80{07} a1{ a0{ 8a{02} } } }"));
	cr_assert_eq(pdu.type, MG_MMS_CANCEL_ERROR);
	cr_assert_eq(pdu.invoke_id, 7);
	cr_assert_eq(pdu.error_class, 10);
	cr_assert_eq(pdu.error_code, 2);

	/* reject: originalInvokeID 9, confirmed-requestPDU(1) invalid-argument(4) */
	OK(parse_b("a4{ 80{09} 81{04} }"));
	cr_assert_eq(pdu.type, MG_MMS_REJECT);
	cr_assert(pdu.has_invoke_id);
	cr_assert_eq(pdu.invoke_id, 9);
	cr_assert_eq(pdu.reject_class, 1);
	cr_assert_eq(pdu.reject_code, 4);
	cr_assert_eq(pdu.iec_class, MG_IEC_NONE);
	/* reject without invokeID: pdu-error(5) invalid-pdu(1) */
	OK(parse_b("a4{ 85{01} }"));
	cr_assert_not(pdu.has_invoke_id);
	cr_assert_eq(pdu.reject_class, 5);
	BAD(parse_b("a4{ 80{09} }"), MG_R_MMS_STRUCTURE);   /* no reason */
	BAD(parse_b("a4{ 8c{00} }"), MG_R_MMS_STRUCTURE);   /* reason tag 12 */
}

Test(mms, invoke_id_widths)
{
	static const struct {
		const char *id;
		uint32_t v;
	} w[] = {
		{"02{05}", 5},
		{"02{0102}", 0x102},
		{"02{010203}", 0x10203},
		{"02{7fffffff}", 0x7fffffff},
		{"02{00ffffffff}", 0xffffffff},
	};
	char b[128];

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		snprintf(b, sizeof(b), "a0{ %s 82{} }", w[i].id);
		OK(parse_b(b));
		cr_assert_eq(pdu.invoke_id, w[i].v, "width %zu", i + 1);
		snprintf(b, sizeof(b), "a1{ %s 82{} }", w[i].id);
		OK(parse_b(b));
		cr_assert_eq(pdu.invoke_id, w[i].v);
	}
	BAD(parse_b("a0{ 02{000000000001} 82{} }"), MG_R_MMS_INVOKE_ID); /* 6 octets */
	BAD(parse_b("a0{ 02{01ffffffff} 82{} }"), MG_R_MMS_INVOKE_ID);   /* > 2^32-1 */
	BAD(parse_b("a0{ 02{ff} 82{} }"), MG_R_MMS_INVOKE_ID);           /* negative */
	BAD(parse_b("a0{ 02{} 82{} }"), MG_R_MMS_INVOKE_ID);             /* empty */
	BAD(parse_b("a0{ 80{01} 82{} }"), MG_R_MMS_INVOKE_ID);           /* wrong tag */
	BAD(parse_b("a2{ 80{000000000001} a2{ a0{ 80{00} } } }"), MG_R_MMS_INVOKE_ID);
}

Test(mms, read_several_objects)
{
	OK(parse_b("a0{ 02{2a} a4{ 80{01} a1{ a0{"
		   "  30{ a0{ a1{ 1a'LD0' 1a'MMXU1$MX$TotW' } } }"
		   "  30{ a0{ 80'vmdVar' } }"
		   "  30{ a0{ 82'aaVar' } }"
		   "  30{ a0{ a1{ 1a'LD0' 1a'CSWI1$CO$Pos$SBO' } } }"
		   "} } } }"));
	cr_assert_eq(pdu.nobj, 4);
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_VARIABLE, "LD0", "MMXU1$MX$TotW");
	obj_is(1, MG_OBJ_VMD, MG_OBJK_VARIABLE, NULL, "vmdVar");
	obj_is(2, MG_OBJ_AA, MG_OBJK_VARIABLE, NULL, "aaVar");
	obj_is(3, MG_OBJ_DOMAIN, MG_OBJK_VARIABLE, "LD0", "CSWI1$CO$Pos$SBO");
	cr_assert_eq(pdu.obj[0].iec_class, MG_IEC_READ);
	cr_assert_eq(pdu.obj[3].iec_class, MG_IEC_SELECT);
	cr_assert_eq(pdu.iec_class, MG_IEC_SELECT);
	cr_assert_not(pdu.obj_truncated);
	/* read of a named variable list (data set) */
	OK(parse_b("a0{ 02{01} a4{ a1{ a1{ a1{ 1a'LD0' 1a'LLN0$DS1' } } } } }"));
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_VARLIST, "LD0", "LLN0$DS1");
	cr_assert_eq(pdu.iec_class, MG_IEC_DATASET_READ); /* members unknown here */
	/* a component selection is flattened into the item */
	OK(parse_b("a0{ 02{01} a4{ a1{ a0{ 30{ a0{ a1{ 1a'LD0' 1a'CSWI1$CO$Pos' } }"
		   " a5{ 81'SBO' } } } } } }"));
	cr_assert_eq(pdu.obj[0].alt_access, MG_MMS_ALT_FLATTENED);
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_VARIABLE, "LD0", "CSWI1$CO$Pos$SBO");
	cr_assert_eq(pdu.iec_class, MG_IEC_SELECT);
	/* an index selection cannot be: opaque, classified conservatively */
	OK(parse_b("a0{ 02{01} a4{ a1{ a0{ 30{ a0{ a1{ 1a'LD0' 1a'CSWI1$CO$Pos' } }"
		   " a5{ 82{01} } } } } } }"));
	cr_assert_eq(pdu.obj[0].alt_access, MG_MMS_ALT_OPAQUE);
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_VARIABLE, "LD0", "CSWI1$CO$Pos");
	cr_assert_eq(pdu.iec_class, MG_IEC_SELECT);
}

Test(mms, alternate_access_flattening)
{
	/* write CSWI1$CO + selectAlternateAccess{ "Pos", { component "Oper" } } */
	OK(parse_b("a0{ 02{01} a5{ a0{ 30{ a0{ a1{ 1a'LD0' 1a'CSWI1$CO' } }"
		   " a5{ a0{ 80'Pos' 30{ 81'Oper' } } } } } a0{ a2{ 83{ff} } } } }"));
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_VARIABLE, "LD0", "CSWI1$CO$Pos$Oper");
	cr_assert_eq(pdu.obj[0].alt_access, MG_MMS_ALT_FLATTENED);
	cr_assert_eq(pdu.iec_class, MG_IEC_OPERATE);
	/* exact after flattening: SBOw, not the conservative operate */
	OK(parse_b("a0{ 02{01} a5{ a0{ 30{ a0{ a1{ 1a'LD0' 1a'CSWI1$CO$Pos' } }"
		   " a5{ 81'SBOw' } } } a0{ a2{ 83{ff} } } } }"));
	cr_assert_eq(pdu.iec_class, MG_IEC_SELECT_WITH_VALUE);
	/* a whole LN narrowed to its CO FC by alternate access */
	OK(parse_b("a0{ 02{01} a5{ a0{ 30{ a0{ a1{ 1a'LD0' 1a'CSWI1' } }"
		   " a5{ a0{ 80'CO' 30{ a0{ 80'Pos' 30{ 81'Cancel' } } } } } } } a0{ a2{ 83{ff} } } } }"));
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_VARIABLE, "LD0", "CSWI1$CO$Pos$Cancel");
	cr_assert_eq(pdu.iec_class, MG_IEC_CANCEL);
	/* two selections in one access: opaque; whole LN narrowed → other */
	OK(parse_b("a0{ 02{01} a5{ a0{ 30{ a0{ a1{ 1a'LD0' 1a'CSWI1' } }"
		   " a5{ 81'CO' 81'ST' } } } a0{ a2{ 83{ff} } } } }"));
	cr_assert_eq(pdu.obj[0].alt_access, MG_MMS_ALT_OPAQUE);
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_VARIABLE, "LD0", "CSWI1");
	cr_assert_eq(pdu.iec_class, MG_IEC_OTHER);
	/* a component with '$' or a bad character is not flattened */
	OK(parse_b("a0{ 02{01} a4{ a1{ a0{ 30{ a0{ 80'X' } a5{ 81'a$b' } } } } } }"));
	cr_assert_eq(pdu.obj[0].alt_access, MG_MMS_ALT_OPAQUE);
	obj_is(0, MG_OBJ_VMD, MG_OBJK_VARIABLE, NULL, "X");
}

Test(mms, write_controls)
{
	static const struct {
		const char *item;
		uint8_t cls;
	} v[] = {
		{"CSWI1$CO$Pos$Oper", MG_IEC_OPERATE},
		{"CSWI1$CO$Pos$SBOw", MG_IEC_SELECT_WITH_VALUE},
		{"CSWI1$CO$Pos$Cancel", MG_IEC_CANCEL},
		{"LLN0$BR$brcbA01$RptEna", MG_IEC_REPORT_CONTROL},
		{"MMXU1$MX$TotW$mag$f", MG_IEC_WRITE},
	};
	char b[512];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(b, sizeof(b),
			 "a0{ 02{11} a5{ a0{ 30{ a0{ a1{ 1a'IED1LD0' 1a'%s' } } } }"
			 " a0{ a2{ a2{ 83{ff} } 91{00000000} 85{01} 83{00} 83{00} } } } }",
			 v[i].item);
		OK(parse_b(b));
		cr_assert_eq(pdu.service, MG_SVC_WRITE);
		obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_VARIABLE, "IED1LD0", v[i].item);
		cr_assert_eq(pdu.iec_class, v[i].cls, "%s → %s", v[i].item,
			     mg_iec_class_str(pdu.iec_class));
	}
	/* write to a named variable list */
	OK(parse_b("a0{ 02{11} a5{ a1{ a1{ 1a'LD' 1a'LLN0$DS' } } a0{ 83{00} 83{01} } } }"));
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_VARLIST, "LD", "LLN0$DS");
	cr_assert_eq(pdu.iec_class, MG_IEC_OTHER); /* members unknown here */
	/* data count must match the variable count */
	BAD(parse_b("a0{ 02{11} a5{ a0{ 30{ a0{ 80'x' } } } a0{ 83{00} 83{01} } } }"),
	    MG_R_MMS_DATA_COUNT);
	BAD(parse_b("a0{ 02{11} a5{ a0{ 30{ a0{ 80'x' } } } a0{} } }"), MG_R_MMS_EMPTY_LIST);
	BAD(parse_b("a0{ 02{11} a5{ a0{ 30{ a0{ 80'x' } } } } }"), MG_R_MMS_STRUCTURE);
	/* write by address: unknown target, most privileged class */
	OK(parse_b("a0{ 02{11} a5{ a0{ 30{ a1{ 80{10} } } } a0{ 83{00} } } }"));
	cr_assert_eq(pdu.nobj, 1);
	cr_assert_eq(pdu.obj[0].kind, MG_OBJK_OTHER);
	cr_assert_eq(pdu.iec_class, MG_IEC_OTHER);
}

Test(mms, get_name_list_domain_scope)
{
	OK(parse_b("a0{ 02{03} a1{ a0{ 80{00} } a1{ 81'IED1LD0' } 82'LLN0$ST' } }"));
	cr_assert_eq(pdu.service, MG_SVC_GET_NAME_LIST);
	cr_assert_eq(pdu.nobj, 1);
	obj_is(0, MG_OBJ_DOMAIN_NAME, MG_OBJK_DOMAIN, "IED1LD0", NULL);
	/* aa scope */
	OK(parse_b("a0{ 02{03} a1{ a0{ 80{02} } a1{ 82{} } } }"));
	cr_assert_eq(pdu.nobj, 0);
	BAD(parse_b("a0{ 02{03} a1{ a0{ 80{00} } } }"), MG_R_MMS_STRUCTURE); /* no scope */
	BAD(parse_b("a0{ 02{03} a1{ a0{ 80{00} } a1{ 81{} } } }"), MG_R_MMS_OBJECT_NAME);
}

Test(mms, define_and_delete_named_variable_list)
{
	OK(parse_b("a0{ 02{07} ab{ a1{ 1a'LD0' 1a'LLN0$MyDS' } a0{"
		   "  30{ a0{ a1{ 1a'LD0' 1a'MMXU1$MX$TotW' } } }"
		   "  30{ a0{ a1{ 1a'LD0' 1a'XCBR1$ST$Pos' } } }"
		   "} } }"));
	cr_assert_eq(pdu.service, MG_SVC_DEFINE_NAMED_VAR_LIST);
	cr_assert_eq(pdu.nobj, 3);
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_VARLIST, "LD0", "LLN0$MyDS");
	obj_is(1, MG_OBJ_DOMAIN, MG_OBJK_VARIABLE, "LD0", "MMXU1$MX$TotW");
	obj_is(2, MG_OBJ_DOMAIN, MG_OBJK_VARIABLE, "LD0", "XCBR1$ST$Pos");
	cr_assert_eq(pdu.iec_class, MG_IEC_DATASET_DEFINE);
	BAD(parse_b("a0{ 02{07} ab{ a1{ 1a'LD0' 1a'LLN0$MyDS' } a0{} } }"), MG_R_MMS_EMPTY_LIST);

	OK(parse_b("a0{ 02{08} ad{ 80{00} a1{ a1{ 1a'LD0' 1a'LLN0$A' } 80'B' } } }"));
	cr_assert_eq(pdu.service, MG_SVC_DELETE_NAMED_VAR_LIST);
	cr_assert_eq(pdu.nobj, 2);
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_VARLIST, "LD0", "LLN0$A");
	obj_is(1, MG_OBJ_VMD, MG_OBJK_VARLIST, NULL, "B");
	cr_assert_eq(pdu.iec_class, MG_IEC_DATASET_DELETE);
	OK(parse_b("a0{ 02{08} ad{ 80{02} 82'LD0' } }"));
	obj_is(0, MG_OBJ_DOMAIN_NAME, MG_OBJK_DOMAIN, "LD0", NULL);
	cr_assert_eq(pdu.iec_class, MG_IEC_DATASET_DELETE);
	BAD(parse_b("a0{ 02{08} ad{ a1{} } }"), MG_R_MMS_EMPTY_LIST);
}

Test(mms, file_services)
{
	/* fileOpen [72] with a two-component name */
	OK(parse_b("a0{ 02{01} bf48{ a0{ 19'COMTRADE' 19'rec1.cfg' } 81{00} } }"));
	cr_assert_eq(pdu.service, MG_SVC_FILE_OPEN);
	cr_assert_eq(pdu.nobj, 1);
	obj_is(0, MG_OBJ_FILE, MG_OBJK_FILE, NULL, "COMTRADE/rec1.cfg");
	cr_assert_eq(pdu.iec_class, MG_IEC_GET_FILE);
	/* obtainFile [46]: sourceFile [1], destinationFile [2] */
	OK(parse_b("a0{ 02{02} bf2e{ a1{ 19'/tmp/new.cid' } a2{ 19'cfg' 19'IED.cid' } } }"));
	cr_assert_eq(pdu.service, MG_SVC_OBTAIN_FILE);
	cr_assert_eq(pdu.nobj, 2);
	obj_is(0, MG_OBJ_FILE, MG_OBJK_FILE, NULL, "/tmp/new.cid");
	obj_is(1, MG_OBJ_FILE, MG_OBJK_FILE, NULL, "cfg/IED.cid");
	cr_assert_eq(pdu.iec_class, MG_IEC_SET_FILE);
	/* fileDelete [76] ::= FileName */
	OK(parse_b("a0{ 02{03} bf4c{ 19'old.log' } }"));
	obj_is(0, MG_OBJ_FILE, MG_OBJK_FILE, NULL, "old.log");
	cr_assert_eq(pdu.iec_class, MG_IEC_DELETE_FILE);
	/* fileRename [75] */
	OK(parse_b("a0{ 02{04} bf4b{ a0{ 19'a' } a1{ 19'b' } } }"));
	cr_assert_eq(pdu.nobj, 2);
	obj_is(1, MG_OBJ_FILE, MG_OBJK_FILE, NULL, "b");
	cr_assert_eq(pdu.iec_class, MG_IEC_SET_FILE);
	/* fileDirectory [77] with and without a specification */
	OK(parse_b("a0{ 02{05} bf4d{ a0{ 19'COMTRADE' } } }"));
	cr_assert_eq(pdu.iec_class, MG_IEC_FILE_DIRECTORY);
	OK(parse_b("a0{ 02{05} bf4d{} }"));
	cr_assert_eq(pdu.nobj, 0);
	cr_assert_eq(pdu.iec_class, MG_IEC_FILE_DIRECTORY);
	/* libiec61850 lists the root with an empty specification: legal there
	 * (the root directory, named by the empty name), in both spellings. */
	OK(parse_b("a0{ 02{05} bf4d{ a0{ 19'' } } }"));
	cr_assert_eq(pdu.nobj, 1);
	obj_is(0, MG_OBJ_FILE, MG_OBJK_FILE, NULL, "");
	cr_assert_eq(pdu.iec_class, MG_IEC_FILE_DIRECTORY);
	OK(parse_b("a0{ 02{05} bf4d{ a0{} } }"));
	obj_is(0, MG_OBJ_FILE, MG_OBJK_FILE, NULL, "");
	/* ... but only as the whole name, and only for fileDirectory */
	BAD(parse_b("a0{ 02{05} bf4d{ a0{ 19'' 19'x' } } }"), MG_R_MMS_OBJECT_NAME);
	BAD(parse_b("a0{ 02{05} bf4d{ a0{ 19'x' 19'' } } }"), MG_R_MMS_OBJECT_NAME);
	BAD(parse_b("a0{ 02{01} bf4c{ 19'' } }"), MG_R_MMS_OBJECT_NAME);
	/* fileRead / fileClose: frsmID only */
	OK(parse_b("a0{ 02{06} 9f49{01} }"));
	cr_assert_eq(pdu.service, MG_SVC_FILE_READ);
	cr_assert_eq(pdu.iec_class, MG_IEC_GET_FILE);
	/* bad names */
	BAD(parse_b("a0{ 02{01} bf48{ a0{} 81{00} } }"), MG_R_MMS_EMPTY_LIST);
	BAD(parse_b("a0{ 02{01} bf48{ a0{ 19'' } 81{00} } }"), MG_R_MMS_OBJECT_NAME);
	BAD(parse_b("a0{ 02{01} bf48{ a0{ 19'a\tb' } 81{00} } }"), MG_R_MMS_OBJECT_NAME);
	BAD(parse_b("a0{ 02{01} bf48{ a0{ 04'x' } 81{00} } }"), MG_R_MMS_OBJECT_NAME);
	/* a name longer than the scratch buffer */
	char b[1024] = "a0{ 02{01} bf48{ a0{ 19'";
	size_t l = strlen(b);

	memset(b + l, 'x', 300);
	strcpy(b + l + 300, "' } 81{00} } }");
	BAD(parse_b(b), MG_R_MMS_FILENAME_LONG);
}

Test(mms, other_object_services)
{
	/* rename [3]: objectClass namedVariableList(2), currentName, new id */
	OK(parse_b("a0{ 02{01} a3{ a0{ 80{02} } a1{ a1{ 1a'LD0' 1a'LLN0$Old' } } 82'New' } }"));
	cr_assert_eq(pdu.service, MG_SVC_RENAME);
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_VARLIST, "LD0", "LLN0$Old");
	cr_assert_eq(pdu.iec_class, MG_IEC_OTHER);
	/* defineNamedVariable [7]: variableName [0], address [1] */
	OK(parse_b("a0{ 02{01} a7{ a0{ 80'NewVar' } a1{ 80{10} } } }"));
	obj_is(0, MG_OBJ_VMD, MG_OBJK_VARIABLE, NULL, "NewVar");
	/* getScatteredAccessAttributes [9] ::= ObjectName */
	OK(parse_b("a0{ 02{01} a9{ 82'sa' } }"));
	obj_is(0, MG_OBJ_AA, MG_OBJK_OTHER, NULL, "sa");
	/* deleteVariableAccess [10]: listOfName + domainName */
	OK(parse_b("a0{ 02{01} aa{ 80{00} a1{ 80'v1' a1{ 1a'LD' 1a'v2' } } 82'LD' } }"));
	cr_assert_eq(pdu.nobj, 3);
	obj_is(1, MG_OBJ_DOMAIN, MG_OBJK_VARIABLE, "LD", "v2");
	obj_is(2, MG_OBJ_DOMAIN_NAME, MG_OBJK_DOMAIN, "LD", NULL);
	/* defineNamedType [14]: typeName first */
	OK(parse_b("a0{ 02{01} ae{ 80'T1' a0{ 80'Base' } } }"));
	obj_is(0, MG_OBJ_VMD, MG_OBJK_OTHER, NULL, "T1");
	/* requestDomainDownload [32]: domainName [0], fileName [4] */
	OK(parse_b("a0{ 02{01} bf20{ 80'LD0' 82{00} a4{ 19'img' 19'ld0.bin' } } }"));
	cr_assert_eq(pdu.nobj, 2);
	obj_is(0, MG_OBJ_DOMAIN_NAME, MG_OBJK_DOMAIN, "LD0", NULL);
	obj_is(1, MG_OBJ_FILE, MG_OBJK_FILE, NULL, "img/ld0.bin");
	/* storeDomainContent [35]: domainName [0], fileName [1] */
	OK(parse_b("a0{ 02{01} bf23{ 80'LD0' a1{ 19'out.bin' } } }"));
	obj_is(1, MG_OBJ_FILE, MG_OBJK_FILE, NULL, "out.bin");
	/* deleteDomain [36] ::= Identifier */
	OK(parse_b("a0{ 02{01} 9f24'LD9' }"));
	obj_is(0, MG_OBJ_DOMAIN_NAME, MG_OBJK_DOMAIN, "LD9", NULL);
	cr_assert_eq(pdu.iec_class, MG_IEC_OTHER);
	BAD(parse_b("a0{ 02{01} bf24{ 1a'LD9' } }"), MG_R_MMS_OBJECT_NAME);
	/* createProgramInvocation [38]: name [0], listOfDomainName [1] */
	OK(parse_b("a0{ 02{01} bf26{ 80'PI1' a1{ 1a'LD0' 1a'LD1' } 82{ff} } }"));
	cr_assert_eq(pdu.nobj, 3);
	obj_is(0, MG_OBJ_VMD, MG_OBJK_OTHER, NULL, "PI1");
	obj_is(2, MG_OBJ_DOMAIN_NAME, MG_OBJK_DOMAIN, "LD1", NULL);
	/* getNamedTypeAttributes [15] needs a name */
	BAD(parse_b("a0{ 02{01} af{} }"), MG_R_MMS_OBJECT_NAME);
}

Test(mms, journals)
{
	/* readJournal [65]: journalName [0] ObjectName, entryToStartAfter */
	OK(parse_b("a0{ 02{09} bf41{ a0{ a1{ 1a'LD0' 1a'LLN0$EventLog' } }"
		   " a5{ 80{0000} 81{00} } } }"));
	cr_assert_eq(pdu.service, MG_SVC_READ_JOURNAL);
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_JOURNAL, "LD0", "LLN0$EventLog");
	cr_assert_eq(pdu.iec_class, MG_IEC_QUERY_LOG);
	/* initializeJournal [67] */
	OK(parse_b("a0{ 02{09} bf43{ a0{ a1{ 1a'LD0' 1a'LLN0$EventLog' } } } }"));
	cr_assert_eq(pdu.iec_class, MG_IEC_LOG_CONTROL);
	/* reportJournalStatus [68] ::= ObjectName */
	OK(parse_b("a0{ 02{09} bf44{ a1{ 1a'LD0' 1a'Log' } } }"));
	obj_is(0, MG_OBJ_DOMAIN, MG_OBJK_JOURNAL, "LD0", "Log");
	BAD(parse_b("a0{ 02{09} bf41{ a0{} } }"), MG_R_MMS_OBJECT_NAME);
}

Test(mms, information_report_iec61850)
{
	/* vmd-specific "RPT" with a few access results */
	OK(parse_b("a3{ a0{ a1{ 80'RPT' } a0{ 8a'brcbA01' 84{0640} 86{01} 8a'LD0/LLN0$DS' } } }"));
	cr_assert_eq(pdu.type, MG_MMS_UNCONFIRMED);
	cr_assert_eq(pdu.service, MG_SVC_INFORMATION_REPORT);
	cr_assert_eq(pdu.nobj, 1);
	obj_is(0, MG_OBJ_VMD, MG_OBJK_VARLIST, NULL, "RPT");
	cr_assert_eq(pdu.iec_class, MG_IEC_REPORT);
	/* listOfVariable form + cs-request-detail [79] tail */
	OK(parse_b("a3{ a0{ a0{ 30{ a0{ 80'LastApplError' } } } a0{ a2{ 8a'x' } } } bf4f{ 02{00} } }"));
	obj_is(0, MG_OBJ_VMD, MG_OBJK_VARIABLE, NULL, "LastApplError");
	/* unsolicitedStatus / eventNotification */
	OK(parse_b("a3{ a1{ 80{00} 81{00} } }"));
	cr_assert_eq(pdu.service, MG_SVC_UNSOLICITED_STATUS);
	OK(parse_b("a3{ a2{ a0{ 80'ev' } } }"));
	cr_assert_eq(pdu.service, MG_SVC_EVENT_NOTIFICATION);
	BAD(parse_b("a3{ a3{} }"), MG_R_MMS_SERVICE);
}

Test(mms, modifiers_and_request_detail)
{
	/* listOfModifier before the service (attach-To-Semaphore) */
	OK(parse_b("a0{ 02{01} 30{ a1{ a0{ 80'sem' } } } a4{ a1{ a0{ 30{ a0{ 80'v' } } } } } }"));
	cr_assert_eq(pdu.service, MG_SVC_READ);
	obj_is(0, MG_OBJ_VMD, MG_OBJK_VARIABLE, NULL, "v");
	/* cs-request-detail [79] after the service */
	OK(parse_b("a0{ 02{01} 82{} bf4f{ 02{00} } }"));
	/* anything else after the service */
	BAD(parse_b("a0{ 02{01} 82{} 82{} }"), MG_R_MMS_STRUCTURE);
	/* no service */
	BAD(parse_b("a0{ 02{01} }"), MG_R_MMS_STRUCTURE);
	/* service tag out of range, or universal */
	BAD(parse_b("a0{ 02{01} bf58{} }"), MG_R_MMS_SERVICE);
	BAD(parse_b("a1{ 02{01} 30{} }"), MG_R_MMS_SERVICE);
	/* an unassigned tag is still a nameable service */
	OK(parse_b("a0{ 02{01} bf50{} }"));
	cr_assert_eq(pdu.service, 80);
	cr_assert_str_eq(mg_mms_svc_name(pdu.service), "service-80");
	cr_assert_eq(pdu.iec_class, MG_IEC_OTHER);
}

Test(mms, object_name_rules)
{
	static const char *bad[] = {
		"$", "$LLN0", "LLN0$", "LLN0$$ST", "", "a b", "a\x01" "b",
		"LD0/LLN0", "a-b", "LLN0$ST$*", "caf\xc3\xa9",
	};
	char b[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(b, sizeof(b), "a0{ 02{01} a4{ a1{ a0{ 30{ a0{ a1{ 1a'LD' 1a'%s' } } } } } } }",
			 bad[i]);
		BAD(parse_b(b), MG_R_MMS_OBJECT_NAME);
		snprintf(b, sizeof(b), "a0{ 02{01} a4{ a1{ a0{ 30{ a0{ 80'%s' } } } } } }", bad[i]);
		BAD(parse_b(b), MG_R_MMS_OBJECT_NAME);
	}
	/* empty domain id */
	BAD(parse_b("a0{ 02{01} a4{ a1{ a0{ 30{ a0{ a1{ 1a'' 1a'X' } } } } } } }"),
	    MG_R_MMS_OBJECT_NAME);
	/* domain-specific with one or three components */
	BAD(parse_b("a0{ 02{01} a4{ a1{ a0{ 30{ a0{ a1{ 1a'LD' } } } } } } }"), MG_R_MMS_OBJECT_NAME);
	BAD(parse_b("a0{ 02{01} a4{ a1{ a0{ 30{ a0{ a1{ 1a'LD' 1a'X' 1a'Y' } } } } } } }"),
	    MG_R_MMS_OBJECT_NAME);
	/* wrong string type, wrong choice */
	BAD(parse_b("a0{ 02{01} a4{ a1{ a0{ 30{ a0{ a1{ 1a'LD' 04'X' } } } } } } }"),
	    MG_R_MMS_OBJECT_NAME);
	BAD(parse_b("a0{ 02{01} a4{ a1{ a0{ 30{ a0{ 83'X' } } } } } }"), MG_R_MMS_OBJECT_NAME);
	/* an empty listOfVariable */
	BAD(parse_b("a0{ 02{01} a4{ a1{ a0{} } } }"), MG_R_MMS_EMPTY_LIST);
}

Test(mms, ber_level_malformations)
{
	/* length past parent: the service claims more than the PDU holds */
	BAD(parse_hex("a0 06 020101 a4 05 00"), MG_R_BER_LEN_OVERFLOW);
	/* top-level length past the buffer */
	BAD(parse_hex("a0 10 020101 8200"), MG_R_BER_LEN_OVERFLOW);
	/* more than 4 length octets */
	BAD(parse_hex("a0 85 0000000005 020101 8200"), MG_R_BER_LEN_TOO_LONG);
	/* indefinite length */
	BAD(parse_hex("a0 80 020101 8200 0000"), MG_R_BER_LEN_INDEFINITE);
	/* trailing bytes after the PDU */
	BAD(parse_hex("8b00 00"), MG_R_MMS_TRAILING);
	/* unknown PDU choice, wrong class */
	BAD(parse_hex("ae00"), MG_R_MMS_PDU);
	BAD(parse_hex("3000"), MG_R_MMS_PDU);
	/* empty input */
	cr_assert_eq(mg_mms_parse(buf, 0, &pdu, &why), MG_MALFORMED);
}

/* Write with `depth` nested structures as its one Data value. */
static size_t nested_write(unsigned depth, uint8_t *out, size_t cap)
{
	char b[4096] = "a0{ 02{01} a5{ a0{ 30{ a0{ 80'x' } } } a0{ ";
	size_t l = strlen(b);

	for (unsigned i = 0; i < depth; i++)
		l += (size_t)snprintf(b + l, sizeof(b) - l, "a2{ ");
	l += (size_t)snprintf(b + l, sizeof(b) - l, "83{00} ");
	for (unsigned i = 0; i < depth; i++)
		l += (size_t)snprintf(b + l, sizeof(b) - l, "} ");
	snprintf(b + l, sizeof(b) - l, "} } }");
	return bld(b, out, cap);
}

Test(mms, nesting_bound)
{
	/* deep data is built by hand below, byte by byte */
	uint8_t deep[256];
	size_t n;

	/* 6 structures deep: fine */
	n = nested_write(3, deep, sizeof(deep));
	OK(mg_mms_parse(deep, n, &pdu, &why));

	/* Hand-built: write { listOfVariable, listOfData { [2]×k { bool } } } */
	for (unsigned depth = 1; depth <= 40; depth++) {
		uint8_t p[512];
		size_t inner = 3; /* 83 01 00 */
		uint8_t core[256];
		size_t cl = 0;

		/* innermost first: build from the inside out into core[] */
		core[0] = 0x83;
		core[1] = 0x01;
		core[2] = 0x00;
		cl = inner;
		for (unsigned i = 0; i < depth; i++) {
			memmove(core + 2, core, cl);
			core[0] = 0xa2;
			core[1] = (uint8_t)cl;
			cl += 2;
		}
		/* a5 { a0{30{a0{80 01 'x'}}} a0{ core } } inside a0{ 02 01 01 … } */
		static const uint8_t var[] = {0xa0, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x80, 0x01, 'x'};
		size_t data_l = 2 + cl, svc_l = sizeof(var) + data_l;
		size_t k = 0;

		cr_assert_lt(svc_l + 8, 128);
		p[k++] = 0xa0;
		p[k++] = (uint8_t)(3 + 2 + svc_l);
		p[k++] = 0x02;
		p[k++] = 0x01;
		p[k++] = 0x01;
		p[k++] = 0xa5;
		p[k++] = (uint8_t)svc_l;
		memcpy(p + k, var, sizeof(var));
		k += sizeof(var);
		p[k++] = 0xa0;
		p[k++] = (uint8_t)cl;
		memcpy(p + k, core, cl);
		k += cl;
		enum mg_status st = mg_mms_parse(p, k, &pdu, &why);

		if (depth < MG_BER_MAX_DEPTH) {
			OK(st);
		} else {
			cr_assert_eq(st, MG_MALFORMED, "depth %u", depth);
			cr_assert_eq(why, MG_R_BER_NESTING, "depth %u: %s", depth, mg_reason_str(why));
		}
	}
}

Test(mms, too_many_objects)
{
	/* 40 variables; the 40th is an SBO select */
	char b[8192] = "a0{ 02{01} a4{ a1{ a0{ ";
	size_t l = strlen(b);

	for (int i = 0; i < 39; i++)
		l += (size_t)snprintf(b + l, sizeof(b) - l, "30{ a0{ a1{ 1a'LD' 1a'MMXU%d$MX$A' } } } ",
				      i);
	l += (size_t)snprintf(b + l, sizeof(b) - l, "30{ a0{ a1{ 1a'LD' 1a'CSWI1$CO$Pos$SBO' } } } ");
	snprintf(b + l, sizeof(b) - l, "} } } }");
	OK(parse_b(b));
	cr_assert_eq(pdu.nobj, MG_MMS_MAX_OBJS);
	cr_assert(pdu.obj_truncated);
	obj_is(31, MG_OBJ_DOMAIN, MG_OBJK_VARIABLE, "LD", "MMXU31$MX$A");
	/* the dropped SBO still lifts the PDU class */
	cr_assert_eq(pdu.iec_class, MG_IEC_SELECT);
	/* exactly 32 is not truncated */
	strcpy(b, "a0{ 02{01} a4{ a1{ a0{ ");
	l = strlen(b);
	for (int i = 0; i < 32; i++)
		l += (size_t)snprintf(b + l, sizeof(b) - l, "30{ a0{ 80'V%d' } } ", i);
	snprintf(b + l, sizeof(b) - l, "} } } }");
	OK(parse_b(b));
	cr_assert_eq(pdu.nobj, 32);
	cr_assert_not(pdu.obj_truncated);
}

/* Every prefix of every vector is refused (never OK, never a crash), and
 * every single-byte corruption is survived. Each prefix is copied into an
 * exact-size heap block so ASan sees any over-read. */
Test(mms, truncation_and_corruption)
{
	static const char *vec[] = {
		"a826800300fa0081010a82010a830105a416800101810305e100820c03a00000000000000000e110",
		"a02c020304a273a625a023a1211a0e41413145315130314650324c44301a0f4c4c4e30244252247263625f423032",
		"a20c800304a273a205a003870102",
		"a06c02021154a566a01b3019a017a1151a084b49524b4c414e441a0943495445435f545330a047a245a2218601"
		"018a084b49524b4c414e448a12454d535f414e414c4f475f494343505f494e85010085011e8501008501008501"
		"0084020380830100830100830101830101850100",
		"a02f020100a52aa0233021a01f801d4143545345544747494f3830244443244e616d506c742476656e646f72a003850100",
		"a017 02021151 a111 a003 800102 a10a 8108 4b49524b4c414e44",
		"850101", "8b00", "a4 06 8001 09 8101 04",
	};
	static const char *notation[] = {
		"a0{ 02{01} bf2e{ a1{ 19'/tmp/new.cid' } a2{ 19'cfg' 19'IED.cid' } } }",
		"a0{ 02{07} ab{ a1{ 1a'LD0' 1a'LLN0$MyDS' } a0{ 30{ a0{ a1{ 1a'LD0' 1a'M$MX$T' } } } } } }",
		"a3{ a0{ a1{ 80'RPT' } a0{ 8a'brcbA01' 84{0640} a2{ 83{01} } } } }",
		"a0{ 02{01} bf41{ a0{ a1{ 1a'LD0' 1a'LLN0$EventLog' } } a5{ 80{0000} 81{00} } } }",
		"a7{ 80{07} a1{ a0{ 8a{02} } } }",
		"a0{ 02{01} 30{ a1{ a0{ 80'sem' } } } a4{ a1{ a0{ 30{ a0{ 80'v' } a5{ 81'x' } } } } } }",
	};
	uint8_t full[1024];

	for (size_t v = 0; v < sizeof(vec) / sizeof(vec[0]) + sizeof(notation) / sizeof(notation[0]);
	     v++) {
		size_t n = v < sizeof(vec) / sizeof(vec[0])
				   ? mg_test_hex(vec[v], full, sizeof(full))
				   : bld(notation[v - sizeof(vec) / sizeof(vec[0])], full, sizeof(full));

		OK(mg_mms_parse(full, n, &pdu, &why));
		for (size_t cut = 0; cut < n; cut++) {
			uint8_t *h = malloc(cut ? cut : 1);

			memcpy(h, full, cut);
			enum mg_status st = mg_mms_parse(h, cut, &pdu, &why);

			cr_assert(st == MG_MALFORMED, "vector %zu prefix %zu: %s", v, cut,
				  mg_status_str(st));
			free(h);
		}
		for (size_t i = 0; i < n; i++) {
			for (int bit = 0; bit < 8; bit++) {
				uint8_t *h = malloc(n);

				memcpy(h, full, n);
				h[i] ^= (uint8_t)(1u << bit);
				enum mg_status st = mg_mms_parse(h, n, &pdu, &why);

				cr_assert(st == MG_OK || st == MG_MALFORMED);
				if (st == MG_OK)
					cr_assert_leq(pdu.nobj, MG_MMS_MAX_OBJS);
				free(h);
			}
		}
	}
}

Test(mms, service_names)
{
	cr_assert_str_eq(mg_mms_svc_name(0), "status");
	cr_assert_str_eq(mg_mms_svc_name(1), "getNameList");
	cr_assert_str_eq(mg_mms_svc_name(6), "getVariableAccessAttributes");
	cr_assert_str_eq(mg_mms_svc_name(12), "getNamedVariableListAttributes");
	cr_assert_str_eq(mg_mms_svc_name(46), "obtainFile");
	cr_assert_str_eq(mg_mms_svc_name(65), "readJournal");
	cr_assert_str_eq(mg_mms_svc_name(72), "fileOpen");
	cr_assert_str_eq(mg_mms_svc_name(77), "fileDirectory");
	cr_assert_str_eq(mg_mms_svc_name(78), "service-78");
	cr_assert_str_eq(mg_mms_svc_name(87), "service-87");
	cr_assert_str_eq(mg_mms_svc_name(MG_SVC_INFORMATION_REPORT), "informationReport");
	cr_assert_str_eq(mg_mms_svc_name(MG_SVC_UNSOLICITED_STATUS), "unsolicitedStatus");
	cr_assert_str_eq(mg_mms_svc_name(MG_SVC_EVENT_NOTIFICATION), "eventNotification");
	cr_assert_str_eq(mg_mms_svc_name(MG_SVC_INITIATE), "initiate");
	cr_assert_str_eq(mg_mms_svc_name(MG_SVC_CONCLUDE), "conclude");
	cr_assert_str_eq(mg_mms_svc_name(MG_SVC_CANCEL), "cancel");
	cr_assert_null(mg_mms_svc_name(MG_SVC__COUNT));
	cr_assert_null(mg_mms_svc_name(MG_SVC_NONE));
	for (uint16_t i = 0; i < MG_SVC__COUNT; i++) {
		const char *n = mg_mms_svc_name(i);

		cr_assert_not_null(n);
		cr_assert_eq(mg_mms_svc_lookup(n), i, "%s", n);
	}
	cr_assert_eq(mg_mms_svc_lookup("Read"), MG_SVC_NONE);
	cr_assert_eq(mg_mms_svc_lookup("service-88"), MG_SVC_NONE);
	cr_assert_eq(mg_mms_svc_lookup(""), MG_SVC_NONE);
	cr_assert_eq(mg_mms_svc_lookup(NULL), MG_SVC_NONE);
	cr_assert_str_eq(mg_mms_pdu_str(MG_MMS_CONFIRMED_REQUEST), "confirmed-request");
	cr_assert_str_eq(mg_mms_pdu_str(MG_MMS_CONCLUDE_ERROR), "conclude-error");
	cr_assert_str_eq(mg_mms_pdu_str(MG_MMS_CANCEL_ERROR), "cancel-error");
}
