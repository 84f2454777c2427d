/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IEC 61850-8-1 classification of decoded MMS: what a PDU does to the
 * substation, as one enum mg_iec_class per object and per PDU.
 *
 * An IEC 61850 item id is "<LN>$<FC>$<DO>[$<DA>…]" (8-1 §8.1.3): the
 * functional constraint is exactly the SECOND '$'-component, never a
 * substring found elsewhere ("LLN0$ST$BR$x" is status, not report control).
 * The mms decoder guarantees no empty component (no "$$", no leading or
 * trailing '$'), so positions are unambiguous. An alternateAccess that only
 * selects components is flattened by the decoder into the item
 * (MG_MMS_ALT_FLATTENED: "CSWI1$CO" + Pos + Oper is "CSWI1$CO$Pos$Oper")
 * and classified exactly; one using indexes or several selections stays
 * MG_MMS_ALT_OPAQUE and is classified conservatively as described below.
 *
 * Conservative everywhere: when the class cannot be fully determined the
 * object gets the most privileged class the access could reach.
 *
 * write (service 5), per object:
 *   FC CO: a component (after the FC, any case) "Oper" → operate, "SBOw" →
 *          select-with-value, "Cancel" → cancel (most privileged wins);
 *          a CO write naming none of them (the whole DO, or an opaque
 *          alternate access that hides the leaf) → operate, conservatively.
 *   FC GO (GoCB) / GS (Ed.1 GsCB) → goose-control: GoEna false stops the
 *          IED publishing GOOSE; FC MS / US (sampled-value control blocks)
 *          → sv-control.
 *   FC BR / RP → report-control.
 *   FC SP with third component "SGCB", the whole SP structure (LN$SP, it
 *          holds the SGCB), or FC SE / SG → setting-group.
 *   FC SP / CF / DC / SV → setting.
 *   FC LG → log-control.
 *   no FC (a whole logical node, which holds CO, SP, SE… objects; also a
 *          plain MMS name without '$'), an FC spelled in another case
 *          ("co"), a named variable list (its members are unknown here;
 *          the engine replaces this with the members' classes when it
 *          knows the list), or a target reached by address → other.
 *   anything else → write.
 * read (service 4), per object: FC CO with a component "SBO" (any case),
 *   the CO structure or a whole CO data object (LN$CO, LN$CO$DO: both hold
 *   SBO), or a CO read narrowed by opaque alternate access → select; an FC
 *   in another case → select; a named variable list whose members are not
 *   known → dataset-read (ranked above select: it may reach an SBO, so a
 *   policy allows it explicitly); else read.
 * Per service (every object of the PDU gets the service's class):
 *   informationReport, unsolicitedStatus, eventNotification → report;
 *   initiate, conclude, cancel → association;
 *   getNameList, getVariableAccessAttributes, getNamedVariableListAttributes,
 *   identify, status, getCapabilityList, getDomainAttributes → browse;
 *   fileDirectory → file-directory; readJournal, reportJournalStatus →
 *   query-log; fileOpen, fileRead, fileClose → get-file; obtainFile and
 *   fileRename (it changes the file store) → set-file; fileDelete →
 *   delete-file; initializeJournal, writeJournal, createJournal,
 *   deleteJournal → log-control; defineNamedVariableList → dataset-define;
 *   deleteNamedVariableList → dataset-delete; any other service → other.
 * Responses get their service's class (read-response → read); a response
 * does not repeat the request's objects, so operate-ness belongs to the
 * request. Errors and rejects are none.
 * PDU class: the maximum over its objects (including those dropped past
 * MG_MMS_MAX_OBJS); the service's class when it names no object.
 */
#include "mg_iec61850.h"

#include <string.h>
#include <strings.h>

static const char *const mg_iec_names[MG_IEC__COUNT] = {
	[MG_IEC_NONE] = "none",
	[MG_IEC_REPORT] = "report",
	[MG_IEC_ASSOCIATION] = "association",
	[MG_IEC_BROWSE] = "browse",
	[MG_IEC_READ] = "read",
	[MG_IEC_FILE_DIRECTORY] = "file-directory",
	[MG_IEC_QUERY_LOG] = "query-log",
	[MG_IEC_GET_FILE] = "get-file",
	[MG_IEC_SELECT] = "select",
	[MG_IEC_DATASET_READ] = "dataset-read",
	[MG_IEC_REPORT_CONTROL] = "report-control",
	[MG_IEC_LOG_CONTROL] = "log-control",
	[MG_IEC_DATASET_DEFINE] = "dataset-define",
	[MG_IEC_DATASET_DELETE] = "dataset-delete",
	[MG_IEC_WRITE] = "write",
	[MG_IEC_CANCEL] = "cancel",
	[MG_IEC_SELECT_WITH_VALUE] = "select-with-value",
	[MG_IEC_OPERATE] = "operate",
	[MG_IEC_GOOSE_CONTROL] = "goose-control",
	[MG_IEC_SV_CONTROL] = "sv-control",
	[MG_IEC_SETTING] = "setting",
	[MG_IEC_SETTING_GROUP] = "setting-group",
	[MG_IEC_SET_FILE] = "set-file",
	[MG_IEC_DELETE_FILE] = "delete-file",
	[MG_IEC_OTHER] = "other",
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

/* Class of a service independent of the objects it names. */
static uint8_t svc_class(uint16_t svc)
{
	switch (svc) {
	case MG_SVC_INFORMATION_REPORT:
	case MG_SVC_UNSOLICITED_STATUS:
	case MG_SVC_EVENT_NOTIFICATION:
		return MG_IEC_REPORT;
	case MG_SVC_INITIATE:
	case MG_SVC_CONCLUDE:
	case MG_SVC_CANCEL:
		return MG_IEC_ASSOCIATION;
	case MG_SVC_STATUS:
	case MG_SVC_GET_NAME_LIST:
	case MG_SVC_IDENTIFY:
	case MG_SVC_GET_VAR_ACCESS_ATTR:
	case MG_SVC_GET_NAMED_VAR_LIST_ATTR:
	case 37: /* getDomainAttributes */
	case 71: /* getCapabilityList */
		return MG_IEC_BROWSE;
	case MG_SVC_READ:
		return MG_IEC_READ;
	case MG_SVC_WRITE:
		return MG_IEC_WRITE;
	case MG_SVC_FILE_DIRECTORY:
		return MG_IEC_FILE_DIRECTORY;
	case MG_SVC_READ_JOURNAL:
	case MG_SVC_REPORT_JOURNAL_STATUS:
		return MG_IEC_QUERY_LOG;
	case MG_SVC_FILE_OPEN:
	case MG_SVC_FILE_READ:
	case MG_SVC_FILE_CLOSE:
		return MG_IEC_GET_FILE;
	case MG_SVC_OBTAIN_FILE:
	case MG_SVC_FILE_RENAME:
		return MG_IEC_SET_FILE;
	case MG_SVC_FILE_DELETE:
		return MG_IEC_DELETE_FILE;
	case MG_SVC_WRITE_JOURNAL:
	case MG_SVC_INITIALIZE_JOURNAL:
	case MG_SVC_CREATE_JOURNAL:
	case MG_SVC_DELETE_JOURNAL:
		return MG_IEC_LOG_CONTROL;
	case MG_SVC_DEFINE_NAMED_VAR_LIST:
		return MG_IEC_DATASET_DEFINE;
	case MG_SVC_DELETE_NAMED_VAR_LIST:
		return MG_IEC_DATASET_DELETE;
	case MG_SVC_NONE:
		return MG_IEC_NONE;
	default:
		return MG_IEC_OTHER;
	}
}

uint8_t mg_iec_svc_class(const struct mg_mms_pdu *pdu)
{
	switch (pdu->type) {
	case MG_MMS_CONFIRMED_ERROR:
	case MG_MMS_REJECT:
		return MG_IEC_NONE;
	default:
		return svc_class(pdu->service);
	}
}

/* The '$'-components of an item id, as (offset, length) views. */
#define IEC_MAX_COMP 16
struct iec_comps {
	unsigned n;
	const uint8_t *s[IEC_MAX_COMP];
	uint16_t len[IEC_MAX_COMP];
};

static void split(const uint8_t *item, uint16_t len, struct iec_comps *c)
{
	uint16_t start = 0;

	c->n = 0;
	for (uint16_t i = 0; i <= len && c->n < IEC_MAX_COMP; i++) {
		if (i == len || item[i] == '$') {
			c->s[c->n] = item + start;
			c->len[c->n] = (uint16_t)(i - start);
			c->n++;
			start = (uint16_t)(i + 1);
		}
	}
}

static bool comp_is(const struct iec_comps *c, unsigned i, const char *lit)
{
	size_t l = strlen(lit);

	return i < c->n && c->len[i] == l && memcmp(c->s[i], lit, l) == 0;
}

/* Servers differ in how they compare names; the gate assumes the worst:
 * leaves (Oper, SBOw, Cancel, SBO, SGCB) are recognised in any case. */
static bool comp_is_ci(const struct iec_comps *c, unsigned i, const char *lit)
{
	size_t l = strlen(lit);

	return i < c->n && c->len[i] == l && strncasecmp((const char *)c->s[i], lit, l) == 0;
}

/* Any component from index 2 on (after LN and FC) equals lit, any case. */
static bool has_comp(const struct iec_comps *c, const char *lit)
{
	for (unsigned i = 2; i < c->n; i++)
		if (comp_is_ci(c, i, lit))
			return true;
	return false;
}

/* The functional constraint spelled in another case ("co", "Sp"): a
 * server that compares names without case would act on it, one that does
 * not would refuse it; the gate judges it as the most it could reach. */
static bool fc_odd_case(const struct iec_comps *c)
{
	static const char *const fcs[] = {"ST", "MX", "CO", "CF", "DC", "SP", "SV", "SG", "SE",
					  "EX", "SR", "OR", "BL", "RP", "BR", "LG", "GO", "GS",
					  "MS", "US", "XX"};

	if (c->n < 2 || c->len[1] != 2)
		return false;
	/* The FCs are upper case: a component without a lower-case letter
	 * equals one in any case only if it equals it exactly. So the check
	 * (every read and write names an FC) is two compares in the usual
	 * case, and the table is searched only for an odd spelling. */
	uint8_t a = c->s[1][0], b = c->s[1][1];
	if (!(a >= 'a' && a <= 'z') && !(b >= 'a' && b <= 'z'))
		return false;
	a = (uint8_t)(a >= 'a' && a <= 'z' ? a - 32 : a);
	b = (uint8_t)(b >= 'a' && b <= 'z' ? b - 32 : b);
	for (size_t i = 0; i < sizeof(fcs) / sizeof(fcs[0]); i++)
		if (fcs[i][0] == a && fcs[i][1] == b)
			return true;
	return false;
}

static uint8_t write_class(const struct mg_mms_obj *o)
{
	struct iec_comps c;

	if (o->kind == MG_OBJK_VARLIST)
		return MG_IEC_OTHER; /* members unknown here (the engine expands known lists) */
	if (o->kind != MG_OBJK_VARIABLE || !o->item)
		return MG_IEC_OTHER; /* by address: target unknown */
	split(o->item, o->item_len, &c);
	/* A whole logical node (no FC) holds CO, SP, SE… objects: the write
	 * may reach any of them. */
	if (c.n < 2 || fc_odd_case(&c))
		return MG_IEC_OTHER;
	if (comp_is(&c, 1, "CO")) {
		if (has_comp(&c, "Oper"))
			return MG_IEC_OPERATE;
		if (has_comp(&c, "SBOw"))
			return MG_IEC_SELECT_WITH_VALUE;
		if (has_comp(&c, "Cancel"))
			return MG_IEC_CANCEL;
		return MG_IEC_OPERATE;
	}
	if (comp_is(&c, 1, "GO") || comp_is(&c, 1, "GS"))
		return MG_IEC_GOOSE_CONTROL;
	if (comp_is(&c, 1, "MS") || comp_is(&c, 1, "US"))
		return MG_IEC_SV_CONTROL;
	if (comp_is(&c, 1, "BR") || comp_is(&c, 1, "RP"))
		return MG_IEC_REPORT_CONTROL;
	/* The whole SP structure (LN$SP) holds the SGCB; an opaque alternate
	 * access on it may pick it. */
	if (comp_is(&c, 1, "SP") && (c.n == 2 || comp_is_ci(&c, 2, "SGCB")))
		return MG_IEC_SETTING_GROUP;
	if (comp_is(&c, 1, "SE") || comp_is(&c, 1, "SG"))
		return MG_IEC_SETTING_GROUP;
	if (comp_is(&c, 1, "SP") || comp_is(&c, 1, "CF") || comp_is(&c, 1, "DC") ||
	    comp_is(&c, 1, "SV"))
		return MG_IEC_SETTING;
	if (comp_is(&c, 1, "LG"))
		return MG_IEC_LOG_CONTROL;
	return MG_IEC_WRITE;
}

static uint8_t read_class(const struct mg_mms_obj *o)
{
	struct iec_comps c;

	if (o->kind == MG_OBJK_VARLIST)
		return MG_IEC_DATASET_READ; /* members unknown here */
	if (o->kind != MG_OBJK_VARIABLE || !o->item)
		return MG_IEC_READ;
	split(o->item, o->item_len, &c);
	if (fc_odd_case(&c))
		return MG_IEC_SELECT;
	/* A read of …$CO$<DO>$SBO selects; so may a read of the CO structure
	 * or of a DO that holds SBO, or one narrowed where we cannot see. */
	if (comp_is(&c, 1, "CO") && (has_comp(&c, "SBO") || c.n <= 3 ||
				     o->alt_access == MG_MMS_ALT_OPAQUE))
		return MG_IEC_SELECT;
	return MG_IEC_READ;
}

uint8_t mg_iec_obj_class(const struct mg_mms_pdu *pdu, const struct mg_mms_obj *o)
{
	if (pdu->type == MG_MMS_CONFIRMED_REQUEST) {
		if (pdu->service == MG_SVC_WRITE)
			return write_class(o);
		if (pdu->service == MG_SVC_READ)
			return read_class(o);
	}
	return mg_iec_svc_class(pdu);
}

void mg_iec_classify(struct mg_mms_pdu *pdu)
{
	uint8_t max = MG_IEC_NONE;

	for (uint16_t i = 0; i < pdu->nobj && i < MG_MMS_MAX_OBJS; i++) {
		uint8_t c = mg_iec_obj_class(pdu, &pdu->obj[i]);

		pdu->obj[i].iec_class = c;
		if (c > max)
			max = c;
	}
	if (pdu->obj_truncated && pdu->iec_class_dropped > max)
		max = pdu->iec_class_dropped;
	pdu->iec_class = pdu->nobj ? max : mg_iec_svc_class(pdu);
}
