/* SPDX-License-Identifier: BSD-3-Clause */
/* IEC 61850-8-1 classification (placeholder until the full rules land). */
#include "mg_iec61850.h"

#include <string.h>

static const char *const mg_iec_names[MG_IEC__COUNT] = {
	"none", "report", "association", "browse", "read", "file-directory",
	"query-log", "get-file", "select", "report-control", "log-control",
	"dataset-define", "dataset-delete", "write", "cancel",
	"select-with-value", "operate", "setting", "setting-group", "set-file",
	"delete-file", "other",
};

const char *mg_iec_class_str(uint8_t c)
{
	return c < MG_IEC__COUNT ? mg_iec_names[c] : "unknown";
}

uint8_t mg_iec_class_lookup(const char *name)
{
	for (uint8_t i = 0; name && i < MG_IEC__COUNT; i++)
		if (strcmp(mg_iec_names[i], name) == 0)
			return i;
	return MG_IEC__COUNT;
}

void mg_iec_classify(struct mg_mms_pdu *pdu)
{
	pdu->iec_class = MG_IEC_NONE;
}
