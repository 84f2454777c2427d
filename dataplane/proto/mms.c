/* SPDX-License-Identifier: BSD-3-Clause */
/* MMS PDU decoder (placeholder until the full decoder lands). */
#include "mg_mms.h"
#include "mg_iec61850.h"

#include <string.h>

enum mg_status mg_mms_parse(const uint8_t *p, size_t len, struct mg_mms_pdu *out,
			    enum mg_reason *why)
{
	memset(out, 0, sizeof(*out));
	out->service = MG_SVC_NONE;
	out->reject_class = out->reject_code = -1;
	out->error_class = out->error_code = -1;
	*why = MG_R_MMS_PDU;
	return MG_MALFORMED;
}
