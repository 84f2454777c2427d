/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Names of MMS services and PDU types, spelled exactly as Wireshark's
 * epan/dissectors/asn1/mms/mms.asn spells the ConfirmedServiceRequest and
 * UnconfirmedService choices, so that what an operator reads in Wireshark is
 * what they write in a policy rule. Tags ISO 9506 leaves unassigned get a
 * synthetic "service-N" name so every confirmed tag 0..87 is nameable.
 */
#include "mg_mms.h"

#include <stdio.h>
#include <string.h>

/* Indexed by the ConfirmedServiceRequest context tag (0..87); NULL where
 * the ASN.1 assigns nothing (filled with "service-N" below). */
static const char *const mg_mms_confirmed_names[MG_SVC_CONFIRMED_MAX] = {
	[0] = "status",
	[1] = "getNameList",
	[2] = "identify",
	[3] = "rename",
	[4] = "read",
	[5] = "write",
	[6] = "getVariableAccessAttributes",
	[7] = "defineNamedVariable",
	[8] = "defineScatteredAccess",
	[9] = "getScatteredAccessAttributes",
	[10] = "deleteVariableAccess",
	[11] = "defineNamedVariableList",
	[12] = "getNamedVariableListAttributes",
	[13] = "deleteNamedVariableList",
	[14] = "defineNamedType",
	[15] = "getNamedTypeAttributes",
	[16] = "deleteNamedType",
	[17] = "input",
	[18] = "output",
	[19] = "takeControl",
	[20] = "relinquishControl",
	[21] = "defineSemaphore",
	[22] = "deleteSemaphore",
	[23] = "reportSemaphoreStatus",
	[24] = "reportPoolSemaphoreStatus",
	[25] = "reportSemaphoreEntryStatus",
	[26] = "initiateDownloadSequence",
	[27] = "downloadSegment",
	[28] = "terminateDownloadSequence",
	[29] = "initiateUploadSequence",
	[30] = "uploadSegment",
	[31] = "terminateUploadSequence",
	[32] = "requestDomainDownload",
	[33] = "requestDomainUpload",
	[34] = "loadDomainContent",
	[35] = "storeDomainContent",
	[36] = "deleteDomain",
	[37] = "getDomainAttributes",
	[38] = "createProgramInvocation",
	[39] = "deleteProgramInvocation",
	[40] = "start",
	[41] = "stop",
	[42] = "resume",
	[43] = "reset",
	[44] = "kill",
	[45] = "getProgramInvocationAttributes",
	[46] = "obtainFile",
	[47] = "defineEventCondition",
	[48] = "deleteEventCondition",
	[49] = "getEventConditionAttributes",
	[50] = "reportEventConditionStatus",
	[51] = "alterEventConditionMonitoring",
	[52] = "triggerEvent",
	[53] = "defineEventAction",
	[54] = "deleteEventAction",
	[55] = "getEventActionAttributes",
	[56] = "reportEventActionStatus",
	[57] = "defineEventEnrollment",
	[58] = "deleteEventEnrollment",
	[59] = "alterEventEnrollment",
	[60] = "reportEventEnrollmentStatus",
	[61] = "getEventEnrollmentAttributes",
	[62] = "acknowledgeEventNotification",
	[63] = "getAlarmSummary",
	[64] = "getAlarmEnrollmentSummary",
	[65] = "readJournal",
	[66] = "writeJournal",
	[67] = "initializeJournal",
	[68] = "reportJournalStatus",
	[69] = "createJournal",
	[70] = "deleteJournal",
	[71] = "getCapabilityList",
	[72] = "fileOpen",
	[73] = "fileRead",
	[74] = "fileClose",
	[75] = "fileRename",
	[76] = "fileDelete",
	[77] = "fileDirectory",
};

static const char *const mg_mms_other_names[MG_SVC__COUNT - MG_SVC_CONFIRMED_MAX] = {
	"informationReport", "unsolicitedStatus", "eventNotification",
	"initiate", "conclude", "cancel",
};

/* "service-N" for unassigned tags, built once into static storage so the
 * returned pointer is stable and the lookup path never formats. */
static char mg_mms_unassigned[MG_SVC_CONFIRMED_MAX][12];

static void mg_mms_names_init(void)
{
	static bool done;

	if (done)
		return;
	for (unsigned i = 0; i < MG_SVC_CONFIRMED_MAX; i++)
		snprintf(mg_mms_unassigned[i], sizeof(mg_mms_unassigned[i]), "service-%u", i);
	done = true;
}

/* Run before main so the table is immutable by the time worker threads
 * call mg_mms_svc_name concurrently. */
__attribute__((constructor)) static void mg_mms_names_ctor(void)
{
	mg_mms_names_init();
}

const char *mg_mms_svc_name(uint16_t svc)
{
	if (svc < MG_SVC_CONFIRMED_MAX) {
		if (mg_mms_confirmed_names[svc])
			return mg_mms_confirmed_names[svc];
		mg_mms_names_init();
		return mg_mms_unassigned[svc];
	}
	if (svc < MG_SVC__COUNT)
		return mg_mms_other_names[svc - MG_SVC_CONFIRMED_MAX];
	return NULL;
}

uint16_t mg_mms_svc_lookup(const char *name)
{
	if (!name)
		return MG_SVC_NONE;
	for (uint16_t i = 0; i < MG_SVC__COUNT; i++) {
		const char *n = mg_mms_svc_name(i);

		if (n && strcmp(n, name) == 0)
			return i;
	}
	return MG_SVC_NONE;
}

static const char *const mg_mms_pdu_names[MG_MMS_PDU__COUNT] = {
	"confirmed-request", "confirmed-response", "confirmed-error",
	"unconfirmed", "reject", "cancel-request", "cancel-response",
	"cancel-error", "initiate-request", "initiate-response",
	"initiate-error", "conclude-request", "conclude-response",
	"conclude-error",
};

const char *mg_mms_pdu_str(uint8_t type)
{
	if (type < MG_MMS_PDU__COUNT)
		return mg_mms_pdu_names[type];
	return "unknown";
}
