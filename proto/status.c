/* SPDX-License-Identifier: BSD-3-Clause */
/* Name tables for mg_status / mg_reason. */
#include "mg_status.h"

static const char *const reason_names[MG_R__COUNT] = {
#define MG_REASON(sym, str) [MG_R_##sym] = str,
#include "mg_reasons.def"
#undef MG_REASON
};

const char *mg_reason_str(enum mg_reason r)
{
	if ((unsigned)r >= MG_R__COUNT)
		return "invalid_reason";
	return reason_names[r];
}

const char *mg_status_str(enum mg_status s)
{
	switch (s) {
	case MG_OK: return "ok";
	case MG_NEED_MORE: return "need_more";
	case MG_MALFORMED: return "malformed";
	case MG_NOT_MMS: return "not_mms";
	}
	return "invalid_status";
}
