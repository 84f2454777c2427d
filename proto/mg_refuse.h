/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Refusals the way an IED sends them: when the policy denies a confirmed MMS
 * request in `reply-error` mode, the gate answers it in the server's place
 * and the association stays up. This module owns what that answer is and
 * its bytes on the wire; the dataplane owns when it is sent (and the TCP
 * sequence translation that makes room for it, mg_seqadj.h).
 *
 * Two steps, both DPDK-free and allocation-free:
 *   mg_refuse_plan()   reads the denied request's MMS bytes (bounded BER
 *                      walk, no recursion) and decides: answer, remove from
 *                      the stream (unconfirmed PDUs: nothing to answer) or
 *                      reset (initiate/conclude/cancel, anything else);
 *   mg_refuse_build()  writes the answer as TPKT + COTP DT (EOT) + session
 *                      GIVE-TOKENS/DATA TRANSFER + presentation fully-encoded
 *                      data on the association's MMS context + the MMS PDU.
 *
 * The answers (ISO 9506-2; what IEDs send when access is refused):
 *   read of named variables   Read-Response, one AccessResult failure
 *                             DataAccessError object-access-denied (3) per
 *                             requested variable, in order (the request's
 *                             variableAccessSpecification echoed when it
 *                             asked specificationWithResult);
 *   write (incl. IEC 61850    Write-Response, one failure object-access-denied
 *   controls Oper/SBOw/Cancel) per written item, in order (per listOfData
 *                             for a write to a named variable list);
 *   read of a named variable  confirmed-ErrorPDU access / object-access-denied
 *   list (data set)           (the gate does not know how many members the
 *                             list has, so it cannot answer item by item);
 *   file services             confirmed-ErrorPDU file / file-access-denied (6);
 *   any other confirmed one   confirmed-ErrorPDU access / object-access-denied.
 * IEC 61850-8-1 would precede a refused control's negative Write-Response by
 * a LastApplError informationReport (CntrlObj, Error, Origin, ctlNum,
 * AddCause); the gate does not send one (docs/refusal.md says why).
 */
#ifndef MG_REFUSE_H
#define MG_REFUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg_status.h"

enum mg_refuse_kind {
	MG_REFUSE_RESET = 0,  /* cannot be answered: drop and reset the connection */
	MG_REFUSE_REMOVE = 1, /* unconfirmed PDU: remove it, send nothing */
	MG_REFUSE_REPLY = 2,  /* confirmed request: answer it (mg_refuse_build) */
};

enum mg_refuse_reply {
	MG_REFUSE_READ_DENIED = 1,   /* Read-Response, object-access-denied per item */
	MG_REFUSE_WRITE_DENIED = 2,  /* Write-Response, object-access-denied per item */
	MG_REFUSE_SERVICE_ERROR = 3, /* confirmed-ErrorPDU (err_class, err_code) */
};

/* ServiceError errorClass choice tags and the codes the gate uses. */
#define MG_REFUSE_ECLASS_ACCESS      7
#define MG_REFUSE_ECLASS_FILE        11
#define MG_REFUSE_ACCESS_DENIED      3 /* access: object-access-denied */
#define MG_REFUSE_FILE_ACCESS_DENIED 6 /* file: file-access-denied */
#define MG_REFUSE_DAE_ACCESS_DENIED  3 /* DataAccessError object-access-denied */

/* Items answered one by one at most (a longer list is answered with a
 * confirmed-ErrorPDU: the answer must fit any negotiated PDU size). */
#define MG_REFUSE_MAX_ITEMS 4096

struct mg_refuse_req {
	uint8_t kind;     /* enum mg_refuse_kind */
	uint8_t reply;    /* enum mg_refuse_reply (kind REPLY) */
	bool control;     /* a write to an IEC 61850 control (…$Oper/$SBOw/$Cancel) */
	uint16_t service; /* ConfirmedServiceRequest tag (MG_SVC_*), MG_SVC_NONE */
	uint32_t invoke_id;
	uint32_t nitems;   /* READ/WRITE_DENIED: AccessResults / write results */
	int32_t err_class; /* SERVICE_ERROR: errorClass choice tag */
	int32_t err_code;
	/* READ_DENIED with specificationWithResult: the request's
	 * VariableAccessSpecification TLV (points into the request), echoed as
	 * the response's [0]; NULL otherwise. */
	const uint8_t *spec;
	size_t spec_len;
};

/* Read the MMS PDU of a denied request (exactly one PDU, as the engine
 * delivers it) and fill *r. MG_OK with kind RESET for PDUs that cannot be
 * answered; MG_MALFORMED (and *why) when the bytes are not a well-formed
 * request of the kind claimed, so the caller resets. */
enum mg_status mg_refuse_plan(const uint8_t *mms, size_t len, struct mg_refuse_req *r,
                              enum mg_reason *why);

/* Write the answer's MMS PDU into buf; bytes written, 0 if it does not fit
 * or r is not a REPLY. */
size_t mg_refuse_build_mms(const struct mg_refuse_req *r, uint8_t *buf, size_t cap);

/* A cap that always suffices for mg_refuse_build(r, …, tpdu_max). */
size_t mg_refuse_buf_size(const struct mg_refuse_req *r, uint32_t tpdu_max);

/*
 * Write the whole answer as it travels server → client: TPKT(s) + COTP DT
 * class 0 (EOT on the last) + session GT/DT + presentation fully-encoded
 * data on context pres_ctx (the association's MMS context id) + MMS PDU.
 * tpdu_max: the COTP TPDU size negotiated in CR/CC (header included); 0 =
 * unlimited (one TPKT up to 65535 bytes). Returns the bytes written, 0 if
 * they do not fit in cap (see mg_refuse_buf_size) or r is not a REPLY.
 */
size_t mg_refuse_build(const struct mg_refuse_req *r, int32_t pres_ctx, uint32_t tpdu_max,
                       uint8_t *buf, size_t cap);

/* "reply", "remove", "reset" */
const char *mg_refuse_kind_str(uint8_t kind);

#endif
