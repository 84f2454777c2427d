/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IEC 61850-8-1 classification, table driven: item ids under read and write
 * (the FC is the second '$'-component, matched by position, never as a
 * substring), every service's class, PDU aggregation (maximum, including
 * objects dropped past MG_MMS_MAX_OBJS), and the name table round trip.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "mg_iec61850.h"
#include "mg_mms.h"

static struct mg_mms_pdu pdu;

static void reset(uint8_t type, uint16_t svc)
{
	memset(&pdu, 0, sizeof(pdu));
	pdu.type = type;
	pdu.service = svc;
}

static void add(uint8_t kind, const char *item, bool alt)
{
	struct mg_mms_obj *o = &pdu.obj[pdu.nobj++];

	o->scope = MG_OBJ_DOMAIN;
	o->kind = kind;
	o->domain = (const uint8_t *)"IED1LD0";
	o->domain_len = 7;
	o->item = (const uint8_t *)item;
	o->item_len = item ? (uint16_t)strlen(item) : 0;
	o->alt_access = alt;
}

struct item_case {
	const char *item;
	bool alt;
	uint8_t cls;
};

static const struct item_case write_cases[] = {
	{"CSWI1$CO$Pos$Oper", false, MG_IEC_OPERATE},
	{"XCBR1$CO$BlkOpn$Oper", false, MG_IEC_OPERATE},
	{"CSWI1$CO$Pos$Oper$ctlVal", false, MG_IEC_OPERATE},
	{"CSWI1$CO$Pos$SBOw", false, MG_IEC_SELECT_WITH_VALUE},
	{"CSWI1$CO$Pos$SBOw$ctlVal", false, MG_IEC_SELECT_WITH_VALUE},
	{"CSWI1$CO$Pos$Cancel", false, MG_IEC_CANCEL},
	{"CSWI1$CO$Pos", false, MG_IEC_OPERATE},       /* whole DO: conservative */
	{"CSWI1$CO", true, MG_IEC_OPERATE},            /* leaf hidden by alt access */
	{"CSWI1$CO$Pos$SBO", false, MG_IEC_OPERATE},   /* writing SBO: no such service */
	{"LLN0$BR$brcbA01$RptEna", false, MG_IEC_REPORT_CONTROL},
	{"LLN0$BR$brcbA01", false, MG_IEC_REPORT_CONTROL},
	{"LLN0$RP$urcbA01$RptEna", false, MG_IEC_REPORT_CONTROL},
	{"LLN0$SP$SGCB$ActSG", false, MG_IEC_SETTING_GROUP},
	{"LLN0$SP$SGCB$EditSG", false, MG_IEC_SETTING_GROUP},
	{"PTOC1$SE$StrVal$setMag$f", false, MG_IEC_SETTING_GROUP},
	{"PTOC1$SG$StrVal$setMag$f", false, MG_IEC_SETTING_GROUP},
	{"PTOC1$SP$StrVal$setMag$f", false, MG_IEC_SETTING},
	{"PTOC1$SP$SGCBX", false, MG_IEC_SETTING},     /* component, not prefix */
	{"LLN0$CF$Mod$ctlModel", false, MG_IEC_SETTING},
	{"LLN0$DC$NamPlt$vendor", false, MG_IEC_SETTING},
	{"GGIO1$SV$Ind1$stVal", false, MG_IEC_SETTING},
	{"LLN0$LG$EventLog$LogEna", false, MG_IEC_LOG_CONTROL},
	{"MMXU1$MX$TotW$mag$f", false, MG_IEC_WRITE},
	{"XCBR1$ST$Pos$stVal", false, MG_IEC_WRITE},
	/* substring traps: the FC must be the second component */
	{"LLN0$ST$BR$x", false, MG_IEC_WRITE},
	{"CO$ST$Pos$Oper", false, MG_IEC_WRITE},
	{"XCBR1$ST$Pos$Oper", false, MG_IEC_WRITE},
	{"CSWI1$COX$Pos$Oper", false, MG_IEC_WRITE},
	{"CSWI1$co$Pos$Oper", false, MG_IEC_OTHER},    /* FC in odd case: worst case */
	{"LLN0$sp$SGCB$ActSG", false, MG_IEC_OTHER},
	{"CSWI1$Co$Pos$Oper", false, MG_IEC_OTHER},    /* either letter lower case */
	{"CSWI1$cO$Pos$Oper", false, MG_IEC_OTHER},
	{"MMXU1$Mx$TotW$mag$f", false, MG_IEC_OTHER},
	{"MMXU1$zz$TotW$mag$f", false, MG_IEC_WRITE},  /* lower case, but no FC */
	{"MMXU1$Z1$TotW$mag$f", false, MG_IEC_WRITE},
	{"CSWI1$CO$Pos$oper", false, MG_IEC_OPERATE},  /* leaves in any case */
	{"CSWI1$CO$Pos$SBOW", false, MG_IEC_SELECT_WITH_VALUE},
	{"LLN0$SP$sgcb$ActSG", false, MG_IEC_SETTING_GROUP},
	{"LLN0$SP", false, MG_IEC_SETTING_GROUP},       /* whole SP holds the SGCB */
	{"LLN0$SP", true, MG_IEC_SETTING_GROUP},
	{"LLN0$GO$gcb01$GoEna", false, MG_IEC_GOOSE_CONTROL},
	{"LLN0$GO$gcb01", false, MG_IEC_GOOSE_CONTROL},
	{"LLN0$GS$gscb1$GsEna", false, MG_IEC_GOOSE_CONTROL},
	{"LLN0$MS$smv01$SvEna", false, MG_IEC_SV_CONTROL},
	{"LLN0$US$usv01$SvEna", false, MG_IEC_SV_CONTROL},
	{"LLN0$ST$GO$x", false, MG_IEC_WRITE},          /* FC by position only */
	{"LLN0$EX$SP$SGCB", false, MG_IEC_WRITE},
	{"CSWI1$CO$Pos$Operate", false, MG_IEC_OPERATE}, /* still CO: conservative */
	{"CSWI1", false, MG_IEC_OTHER},                 /* whole LN: may reach CO, SP… */
	{"CSWI1", true, MG_IEC_OTHER},                  /* no FC, narrowed: unknown */
	{"CITEC_TS0", false, MG_IEC_OTHER},             /* plain MMS name: no FC either */
};

static const struct item_case read_cases[] = {
	{"CSWI1$CO$Pos$SBO", false, MG_IEC_SELECT},
	{"CSWI1$CO$Pos", true, MG_IEC_SELECT},
	{"CSWI1$CO$Pos", false, MG_IEC_SELECT},   /* the DO holds SBO */
	{"CSWI1$CO", false, MG_IEC_SELECT},
	{"CSWI1$CO$Pos$sbo", false, MG_IEC_SELECT},
	{"CSWI1$co$Pos$Oper", false, MG_IEC_SELECT}, /* FC in odd case */
	{"MMXU1$mX$TotW$mag$f", false, MG_IEC_SELECT},
	{"MMXU1$x1$TotW$mag$f", false, MG_IEC_READ},  /* lower case, but no FC */
	{"CSWI1$CO$Pos$Oper", false, MG_IEC_READ},
	{"CSWI1$ST$Pos$SBO", false, MG_IEC_READ},
	{"CSWI1$CO$Pos$SBOw", false, MG_IEC_READ},
	{"LLN0$BR$brcbA01$RptEna", false, MG_IEC_READ},
	{"MMXU1$MX$TotW$mag$f", false, MG_IEC_READ},
	{"LLN0", true, MG_IEC_READ},
};

Test(iec61850, write_items)
{
	for (size_t i = 0; i < sizeof(write_cases) / sizeof(write_cases[0]); i++) {
		reset(MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE);
		add(MG_OBJK_VARIABLE, write_cases[i].item, write_cases[i].alt);
		mg_iec_classify(&pdu);
		cr_expect_eq(pdu.obj[0].iec_class, write_cases[i].cls, "write %s%s: %s, expected %s",
			     write_cases[i].item, write_cases[i].alt ? " (alt)" : "",
			     mg_iec_class_str(pdu.obj[0].iec_class),
			     mg_iec_class_str(write_cases[i].cls));
		cr_expect_eq(pdu.iec_class, write_cases[i].cls);
	}
}

Test(iec61850, read_items)
{
	for (size_t i = 0; i < sizeof(read_cases) / sizeof(read_cases[0]); i++) {
		reset(MG_MMS_CONFIRMED_REQUEST, MG_SVC_READ);
		add(MG_OBJK_VARIABLE, read_cases[i].item, read_cases[i].alt);
		mg_iec_classify(&pdu);
		cr_expect_eq(pdu.iec_class, read_cases[i].cls, "read %s: %s, expected %s",
			     read_cases[i].item, mg_iec_class_str(pdu.iec_class),
			     mg_iec_class_str(read_cases[i].cls));
	}
}

Test(iec61850, write_varlist_and_address)
{
	reset(MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE);
	add(MG_OBJK_VARLIST, "LLN0$CO$Pos$Oper", false); /* a list's name is no path */
	mg_iec_classify(&pdu);
	cr_assert_eq(pdu.iec_class, MG_IEC_OTHER); /* members unknown: worst case */
	reset(MG_MMS_CONFIRMED_REQUEST, MG_SVC_READ);
	add(MG_OBJK_VARLIST, "LLN0$DS1", false);
	mg_iec_classify(&pdu);
	cr_assert_eq(pdu.iec_class, MG_IEC_DATASET_READ);
	cr_assert_gt(MG_IEC_DATASET_READ, MG_IEC_SELECT);
	reset(MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE);
	add(MG_OBJK_OTHER, NULL, false); /* by numeric address */
	pdu.obj[0].scope = MG_OBJ_VMD;
	pdu.obj[0].domain = NULL;
	mg_iec_classify(&pdu);
	cr_assert_eq(pdu.iec_class, MG_IEC_OTHER);
	reset(MG_MMS_CONFIRMED_REQUEST, MG_SVC_READ);
	add(MG_OBJK_OTHER, NULL, false);
	mg_iec_classify(&pdu);
	cr_assert_eq(pdu.iec_class, MG_IEC_READ);
}

Test(iec61850, services)
{
	static const struct {
		uint8_t type;
		uint16_t svc;
		uint8_t cls;
	} v[] = {
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_STATUS, MG_IEC_BROWSE},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_GET_NAME_LIST, MG_IEC_BROWSE},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_IDENTIFY, MG_IEC_BROWSE},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_GET_VAR_ACCESS_ATTR, MG_IEC_BROWSE},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_GET_NAMED_VAR_LIST_ATTR, MG_IEC_BROWSE},
		{MG_MMS_CONFIRMED_REQUEST, 37 /* getDomainAttributes */, MG_IEC_BROWSE},
		{MG_MMS_CONFIRMED_REQUEST, 71 /* getCapabilityList */, MG_IEC_BROWSE},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_READ, MG_IEC_READ},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE, MG_IEC_WRITE}, /* no object: service class */
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_DEFINE_NAMED_VAR_LIST, MG_IEC_DATASET_DEFINE},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_DELETE_NAMED_VAR_LIST, MG_IEC_DATASET_DELETE},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_OBTAIN_FILE, MG_IEC_SET_FILE},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_FILE_RENAME, MG_IEC_SET_FILE},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_FILE_OPEN, MG_IEC_GET_FILE},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_FILE_READ, MG_IEC_GET_FILE},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_FILE_CLOSE, MG_IEC_GET_FILE},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_FILE_DELETE, MG_IEC_DELETE_FILE},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_FILE_DIRECTORY, MG_IEC_FILE_DIRECTORY},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_READ_JOURNAL, MG_IEC_QUERY_LOG},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_REPORT_JOURNAL_STATUS, MG_IEC_QUERY_LOG},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_INITIALIZE_JOURNAL, MG_IEC_LOG_CONTROL},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE_JOURNAL, MG_IEC_LOG_CONTROL},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_CREATE_JOURNAL, MG_IEC_LOG_CONTROL},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_DELETE_JOURNAL, MG_IEC_LOG_CONTROL},
		{MG_MMS_CONFIRMED_REQUEST, MG_SVC_RENAME, MG_IEC_OTHER},
		{MG_MMS_CONFIRMED_REQUEST, 40 /* start */, MG_IEC_OTHER},
		{MG_MMS_CONFIRMED_REQUEST, 44 /* kill */, MG_IEC_OTHER},
		{MG_MMS_CONFIRMED_REQUEST, 78 /* service-78 */, MG_IEC_OTHER},
		{MG_MMS_UNCONFIRMED, MG_SVC_INFORMATION_REPORT, MG_IEC_REPORT},
		{MG_MMS_UNCONFIRMED, MG_SVC_UNSOLICITED_STATUS, MG_IEC_REPORT},
		{MG_MMS_UNCONFIRMED, MG_SVC_EVENT_NOTIFICATION, MG_IEC_REPORT},
		{MG_MMS_INITIATE_REQUEST, MG_SVC_INITIATE, MG_IEC_ASSOCIATION},
		{MG_MMS_INITIATE_RESPONSE, MG_SVC_INITIATE, MG_IEC_ASSOCIATION},
		{MG_MMS_CONCLUDE_REQUEST, MG_SVC_CONCLUDE, MG_IEC_ASSOCIATION},
		{MG_MMS_CANCEL_REQUEST, MG_SVC_CANCEL, MG_IEC_ASSOCIATION},
		{MG_MMS_CONFIRMED_RESPONSE, MG_SVC_READ, MG_IEC_READ},
		{MG_MMS_CONFIRMED_RESPONSE, MG_SVC_GET_NAME_LIST, MG_IEC_BROWSE},
		{MG_MMS_CONFIRMED_ERROR, MG_SVC_NONE, MG_IEC_NONE},
		{MG_MMS_REJECT, MG_SVC_NONE, MG_IEC_NONE},
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		reset(v[i].type, v[i].svc);
		mg_iec_classify(&pdu);
		cr_expect_eq(pdu.iec_class, v[i].cls, "%s %s: %s, expected %s",
			     mg_mms_pdu_str(v[i].type), mg_mms_svc_name(v[i].svc) ?: "-",
			     mg_iec_class_str(pdu.iec_class), mg_iec_class_str(v[i].cls));
	}
	/* objects of a non read/write service carry the service's class */
	reset(MG_MMS_CONFIRMED_REQUEST, MG_SVC_FILE_OPEN);
	add(MG_OBJK_FILE, "COMTRADE/a.cfg", false);
	mg_iec_classify(&pdu);
	cr_assert_eq(pdu.obj[0].iec_class, MG_IEC_GET_FILE);
	cr_assert_eq(pdu.iec_class, MG_IEC_GET_FILE);
}

Test(iec61850, aggregate_is_maximum)
{
	reset(MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE);
	add(MG_OBJK_VARIABLE, "MMXU1$MX$TotW$mag$f", false);
	add(MG_OBJK_VARIABLE, "CSWI1$CO$Pos$Oper", false);
	add(MG_OBJK_VARIABLE, "LLN0$BR$brcbA01$RptEna", false);
	mg_iec_classify(&pdu);
	cr_assert_eq(pdu.obj[0].iec_class, MG_IEC_WRITE);
	cr_assert_eq(pdu.obj[1].iec_class, MG_IEC_OPERATE);
	cr_assert_eq(pdu.obj[2].iec_class, MG_IEC_REPORT_CONTROL);
	cr_assert_eq(pdu.iec_class, MG_IEC_OPERATE);
	/* report control alone is below write: no service floor */
	reset(MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE);
	add(MG_OBJK_VARIABLE, "LLN0$RP$urcb$RptEna", false);
	mg_iec_classify(&pdu);
	cr_assert_eq(pdu.iec_class, MG_IEC_REPORT_CONTROL);
	/* dropped objects still count */
	reset(MG_MMS_CONFIRMED_REQUEST, MG_SVC_READ);
	for (int i = 0; i < MG_MMS_MAX_OBJS; i++)
		add(MG_OBJK_VARIABLE, "MMXU1$MX$A", false);
	pdu.obj_truncated = true;
	pdu.iec_class_dropped = MG_IEC_SELECT;
	mg_iec_classify(&pdu);
	cr_assert_eq(pdu.iec_class, MG_IEC_SELECT);
	/* the per-object helper agrees with classify */
	struct mg_mms_obj o = {.kind = MG_OBJK_VARIABLE,
			       .item = (const uint8_t *)"CSWI1$CO$Pos$SBO",
			       .item_len = 16};
	cr_assert_eq(mg_iec_obj_class(&pdu, &o), MG_IEC_SELECT);
}

Test(iec61850, end_to_end_operate)
{
	/* write CSWI1$CO$Pos$Oper through the decoder */
	static const uint8_t w[] = {
		0xa0, 0x3b, 0x02, 0x01, 0x07,         /* confirmed-request, invokeID 7 */
		0xa5, 0x36,                           /* write */
		0xa0, 0x24, 0x30, 0x22, 0xa0, 0x20,   /* listOfVariable, name */
		0xa1, 0x1e,                           /* domain-specific */
		0x1a, 0x09, 'I', 'E', 'D', '1', 'C', 'T', 'R', 'L', '1',
		0x1a, 0x11, 'C', 'S', 'W', 'I', '1', '$', 'C', 'O', '$', 'P', 'o', 's', '$',
		'O', 'p', 'e', 'r',
		0xa0, 0x0e, 0xa2, 0x0c,               /* listOfData: structure */
		0x83, 0x01, 0xff,                     /* ctlVal true */
		0x85, 0x01, 0x00,                     /* ctlNum */
		0x83, 0x01, 0x00, 0x83, 0x01, 0x00,   /* Test, Check */
	};
	enum mg_reason why;

	cr_assert_eq(mg_mms_parse(w, sizeof(w), &pdu, &why), MG_OK, "%s", mg_reason_str(why));
	cr_assert_eq(pdu.nobj, 1);
	cr_assert_eq(pdu.obj[0].iec_class, MG_IEC_OPERATE);
	cr_assert_eq(pdu.iec_class, MG_IEC_OPERATE);
}

Test(iec61850, names)
{
	cr_assert_str_eq(mg_iec_class_str(MG_IEC_NONE), "none");
	cr_assert_str_eq(mg_iec_class_str(MG_IEC_OPERATE), "operate");
	cr_assert_str_eq(mg_iec_class_str(MG_IEC_SELECT_WITH_VALUE), "select-with-value");
	cr_assert_str_eq(mg_iec_class_str(MG_IEC_GET_FILE), "get-file");
	cr_assert_str_eq(mg_iec_class_str(MG_IEC_OTHER), "other");
	cr_assert_str_eq(mg_iec_class_str(MG_IEC__COUNT), "unknown");
	for (uint8_t c = 0; c < MG_IEC__COUNT; c++) {
		const char *n = mg_iec_class_str(c);

		cr_assert_neq(strcmp(n, "unknown"), 0);
		cr_assert_eq(mg_iec_class_lookup(n), c, "%s", n);
	}
	cr_assert_eq(mg_iec_class_lookup("Operate"), MG_IEC__COUNT);
	cr_assert_eq(mg_iec_class_lookup(NULL), MG_IEC__COUNT);
}
