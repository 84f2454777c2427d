/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IEC 61850-8-1 semantics over decoded MMS: what a request does to the
 * substation. A request may name several objects; each gets a class, and the
 * PDU's class is the most privileged one (enum order below, higher = more
 * privileged), so a policy that matches the PDU class never under-rates a
 * mixed request.
 */
#ifndef MG_IEC61850_H
#define MG_IEC61850_H

#include <stdint.h>

#include "mg_mms.h"

/* Order matters: later = more privileged (used to aggregate). */
enum mg_iec_class {
	MG_IEC_NONE = 0,
	MG_IEC_REPORT,            /* informationReport (server → client) */
	MG_IEC_ASSOCIATION,       /* initiate / conclude / abort / cancel */
	MG_IEC_BROWSE,            /* getNameList, GVAA, getNamedVariableListAttributes, identify, status */
	MG_IEC_READ,              /* read (other) */
	MG_IEC_FILE_DIRECTORY,    /* fileDirectory */
	MG_IEC_QUERY_LOG,         /* readJournal */
	MG_IEC_GET_FILE,          /* fileOpen / fileRead / fileClose */
	MG_IEC_SELECT,            /* read of $CO$…$SBO (or of a CO structure holding it) */
	MG_IEC_DATASET_READ,      /* read of a named variable list whose members
	                             the gate does not know: may reach an SBO,
	                             so ranked above select */
	MG_IEC_REPORT_CONTROL,    /* write $BR$ / $RP$ */
	MG_IEC_LOG_CONTROL,       /* write $LG$, journal management */
	MG_IEC_DATASET_DEFINE,    /* defineNamedVariableList */
	MG_IEC_DATASET_DELETE,    /* deleteNamedVariableList */
	MG_IEC_WRITE,             /* write (other) */
	MG_IEC_CANCEL,            /* write $CO$…$Cancel */
	MG_IEC_SELECT_WITH_VALUE, /* write $CO$…$SBOw */
	MG_IEC_OPERATE,           /* write $CO$…$Oper */
	MG_IEC_GOOSE_CONTROL,     /* write $GO$ (GoCB) / $GS$ (Ed.1 GsCB) */
	MG_IEC_SV_CONTROL,        /* write $MS$ (MSVCB) / $US$ (USVCB) */
	MG_IEC_SETTING,           /* write $SP$ / $CF$ / $DC$ / $SV$ */
	MG_IEC_SETTING_GROUP,     /* write $SP$SGCB$… / $SE$ / $SG$ */
	MG_IEC_SET_FILE,          /* obtainFile */
	MG_IEC_DELETE_FILE,       /* fileDelete */
	MG_IEC_OTHER,             /* any other MMS service (program invocation, …);
	                             a write whose target the gate cannot know */
	MG_IEC__COUNT
};

/* "operate", "select-with-value", "get-file", … ; "none". */
const char *mg_iec_class_str(uint8_t c);
/* Reverse lookup; MG_IEC__COUNT if unknown. */
uint8_t mg_iec_class_lookup(const char *name);

/* Class of one object named by pdu (pdu->type and pdu->service set). */
uint8_t mg_iec_obj_class(const struct mg_mms_pdu *pdu, const struct mg_mms_obj *o);
/* Class of the PDU's service alone (no object), e.g. getNameList → browse. */
uint8_t mg_iec_svc_class(const struct mg_mms_pdu *pdu);

/* Fill obj[i].iec_class for every object and pdu->iec_class. */
void mg_iec_classify(struct mg_mms_pdu *pdu);

#endif
