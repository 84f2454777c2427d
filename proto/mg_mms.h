/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MMS (ISO 9506-2) PDU decoding: the PDU type (all 14 choices of MMSpdu),
 * invokeID, the confirmed / unconfirmed service, initiate parameters and
 * the object references a request names. Names follow Wireshark's mms.asn.
 *
 * One call decodes one complete PDU held in memory; object names are views
 * into that buffer (valid as long as the buffer). Descent into nested
 * structures (alternate access, typed data) is bounded by MG_BER_MAX_DEPTH
 * with an explicit stack — never recursion on input depth.
 */
#ifndef MG_MMS_H
#define MG_MMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg_status.h"

enum mg_mms_pdu_type {
	MG_MMS_CONFIRMED_REQUEST = 0,
	MG_MMS_CONFIRMED_RESPONSE = 1,
	MG_MMS_CONFIRMED_ERROR = 2,
	MG_MMS_UNCONFIRMED = 3,
	MG_MMS_REJECT = 4,
	MG_MMS_CANCEL_REQUEST = 5,
	MG_MMS_CANCEL_RESPONSE = 6,
	MG_MMS_CANCEL_ERROR = 7,
	MG_MMS_INITIATE_REQUEST = 8,
	MG_MMS_INITIATE_RESPONSE = 9,
	MG_MMS_INITIATE_ERROR = 10,
	MG_MMS_CONCLUDE_REQUEST = 11,
	MG_MMS_CONCLUDE_RESPONSE = 12,
	MG_MMS_CONCLUDE_ERROR = 13,
	MG_MMS_PDU__COUNT
};

/*
 * One id space for every service a rule can name:
 *   0..87   confirmed services, id == the ConfirmedServiceRequest tag
 *           (read = 4, write = 5, obtainFile = 46, fileOpen = 72, …)
 *   88..90  unconfirmed: informationReport, unsolicitedStatus, eventNotification
 *   91..93  initiate, conclude, cancel (PDU-level services)
 * Tags 0..87 that ISO 9506 leaves unassigned still get an id (named
 * "service-N") so nothing on the wire is unnameable.
 */
#define MG_SVC_CONFIRMED_MAX 88
#define MG_SVC_INFORMATION_REPORT 88
#define MG_SVC_UNSOLICITED_STATUS 89
#define MG_SVC_EVENT_NOTIFICATION 90
#define MG_SVC_INITIATE 91
#define MG_SVC_CONCLUDE 92
#define MG_SVC_CANCEL 93
#define MG_SVC__COUNT 94
#define MG_SVC_NONE 0xFFFF

/* Frequently used confirmed service tags. */
enum {
	MG_SVC_STATUS = 0,
	MG_SVC_GET_NAME_LIST = 1,
	MG_SVC_IDENTIFY = 2,
	MG_SVC_RENAME = 3,
	MG_SVC_READ = 4,
	MG_SVC_WRITE = 5,
	MG_SVC_GET_VAR_ACCESS_ATTR = 6,
	MG_SVC_DEFINE_NAMED_VAR_LIST = 11,
	MG_SVC_GET_NAMED_VAR_LIST_ATTR = 12,
	MG_SVC_DELETE_NAMED_VAR_LIST = 13,
	MG_SVC_OBTAIN_FILE = 46,
	MG_SVC_READ_JOURNAL = 65,
	MG_SVC_WRITE_JOURNAL = 66,
	MG_SVC_INITIALIZE_JOURNAL = 67,
	MG_SVC_REPORT_JOURNAL_STATUS = 68,
	MG_SVC_CREATE_JOURNAL = 69,
	MG_SVC_DELETE_JOURNAL = 70,
	MG_SVC_FILE_OPEN = 72,
	MG_SVC_FILE_READ = 73,
	MG_SVC_FILE_CLOSE = 74,
	MG_SVC_FILE_RENAME = 75,
	MG_SVC_FILE_DELETE = 76,
	MG_SVC_FILE_DIRECTORY = 77,
};

/* Wireshark spelling ("getNameList", "fileOpen", "informationReport",
 * "initiate"…); "service-N" for unassigned tags; NULL out of range. */
const char *mg_mms_svc_name(uint16_t svc);
/* Reverse lookup (exact, case-sensitive); MG_SVC_NONE if unknown. */
uint16_t mg_mms_svc_lookup(const char *name);

/* "confirmed-request", "confirmed-response", "confirmed-error",
 * "unconfirmed", "reject", "cancel-request", "cancel-response",
 * "cancel-error", "initiate-request", "initiate-response", "initiate-error",
 * "conclude-request", "conclude-response", "conclude-error". */
const char *mg_mms_pdu_str(uint8_t type);

enum mg_mms_obj_scope {
	MG_OBJ_VMD = 0,    /* vmd-specific: item only */
	MG_OBJ_DOMAIN = 1, /* domain-specific: domain + item */
	MG_OBJ_AA = 2,     /* aa-specific: item only */
	MG_OBJ_FILE = 3,   /* a file name (GraphicString components joined by '/') */
	MG_OBJ_DOMAIN_NAME = 4, /* a bare domain name (getNameList domain scope,
	                           getDomainAttributes, …): in `domain` */
};

enum mg_mms_obj_kind {
	MG_OBJK_VARIABLE = 0,
	MG_OBJK_VARLIST = 1, /* named variable list */
	MG_OBJK_FILE = 2,
	MG_OBJK_JOURNAL = 3,
	MG_OBJK_DOMAIN = 4,
	MG_OBJK_OTHER = 5,   /* program invocation, event condition, … */
};

enum mg_mms_alt {
	MG_MMS_ALT_NONE = 0,
	MG_MMS_ALT_OPAQUE = 1,    /* narrowed by index / several selections: the
	                             real target is deeper than `item` says */
	MG_MMS_ALT_FLATTENED = 2, /* a chain of component selections, appended to
	                             `item` as "$comp…" (item is then in
	                             filename_buf): `item` is the exact target */
};

struct mg_mms_obj {
	uint8_t scope;          /* enum mg_mms_obj_scope */
	uint8_t kind;           /* enum mg_mms_obj_kind */
	uint8_t iec_class;      /* enum mg_iec_class, filled by mg_iec_classify */
	uint8_t alt_access;     /* enum mg_mms_alt: did an alternateAccess
	                           narrow the item? */
	uint16_t domain_len;
	uint16_t item_len;
	const uint8_t *domain;  /* NULL unless scope is DOMAIN or DOMAIN_NAME */
	const uint8_t *item;    /* item id / file name; NULL for DOMAIN_NAME */
};

/* A file name of several GraphicString components is joined into this many
 * bytes of scratch inside struct mg_mms_pdu. */
#define MG_MMS_FILENAME_MAX 256
#define MG_MMS_MAX_OBJS 32

struct mg_mms_pdu {
	uint8_t type;            /* enum mg_mms_pdu_type */
	uint16_t service;        /* unified service id, MG_SVC_NONE if none */
	bool has_invoke_id;
	uint32_t invoke_id;
	/* Write request: the content of listOfData (one Data per object when
	 * the objects were listed, obj[i] ↔ element i), a view decoded on
	 * demand with mg_mmsdata.h; NULL for every other PDU. */
	const uint8_t *write_data;
	uint32_t write_data_len;
	/* Objects named (requests; informationReport's variable list name). */
	uint16_t nobj;
	/* Objects as decoded from the wire; obj[nobj_wire..nobj) are members of
	 * a named variable list appended by the engine (mg_varlist.h). */
	uint16_t nobj_wire;
	bool obj_truncated;      /* more than MG_MMS_MAX_OBJS were named */
	struct mg_mms_obj obj[MG_MMS_MAX_OBJS];
	/* Initiate request/response parameters (0 when absent). */
	uint32_t local_detail;          /* negotiated max PDU size */
	uint16_t max_serv_calling;
	uint16_t max_serv_called;
	uint8_t nesting_level;
	uint16_t version;
	bool has_services_supported;
	uint8_t services_supported[12]; /* bit string content, MSB first */
	/* Reject / error details. */
	int32_t reject_class;    /* reject: rejectReason choice tag; -1 absent */
	int32_t reject_code;
	int32_t error_class;     /* confirmed-error: serviceError errorClass tag; -1 */
	int32_t error_code;
	/* The IEC 61850 class of the PDU as a whole (enum mg_iec_class): the
	 * most privileged class of its objects, or the service's class. */
	uint8_t iec_class;
	/* Most privileged class among the objects dropped past MG_MMS_MAX_OBJS
	 * (obj_truncated), so aggregation still sees them. */
	uint8_t iec_class_dropped;
	char filename_buf[MG_MMS_FILENAME_MAX];
};

/* Decode one complete MMS PDU; also runs mg_iec_classify. */
enum mg_status mg_mms_parse(const uint8_t *p, size_t len, struct mg_mms_pdu *out,
			    enum mg_reason *why);

#endif
