/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outstanding confirmed requests of one direction of an association, keyed
 * by invokeID: what each request named, so that the response (or error, or
 * cancel) that answers it can be paired with it. Built once here and used
 * by the engine (duplicate / unsolicited / too-many anomalies), by the named
 * variable list table (a defineNamedVariableList takes effect only when the
 * IED answers it with success) and by control semantics (a select answered
 * with success).
 *
 * Fixed size, no pointers, no allocation: it lives inside the per-connection
 * engine state (struct mg_engine_conn, one per direction). Bounded by
 * MG_PENDING_MAX entries; a request that does not fit is not recorded and
 * the caller counts it (the engine raises MG_R_ANOM_TOO_MANY_OUTSTANDING).
 *
 * What is recorded per request (24 bytes):
 *   invoke_id, service (unified id of mg_mms.h), iec_class (the request's
 *   PDU class), nobj (objects named, saturating at 255), first_kind /
 *   first_scope of the first object, and obj_hash: a keyed 64-bit hash of
 *   the first object's scope, domain and item (mg_pending_obj_hash). Names
 *   themselves are not copied (32 of them per direction would cost kilobytes
 *   per association); a module that needs more keeps it in its own bounded
 *   table and stores a reference in `cookie` (0 = none), which the pending
 *   table carries untouched.
 *
 * API (all O(MG_PENDING_MAX), the table is tiny):
 *   mg_pending_init(p)                   empty table
 *   mg_pending_add(p, pdu, &r)           record a confirmed request;
 *                                        MG_PENDING_OK (r = the entry, valid
 *                                        until the next add/take on p),
 *                                        MG_PENDING_DUP (invokeID already
 *                                        outstanding, nothing recorded) or
 *                                        MG_PENDING_FULL (not recorded)
 *   mg_pending_find(p, id)               the entry or NULL
 *   mg_pending_take(p, id, &out)         remove the entry and copy it out;
 *                                        false when id is not outstanding
 *   mg_pending_obj_hash(o)               the hash stored in obj_hash, for
 *                                        comparing a later object with it
 * The engine owns the calls to add and take; others read through the event
 * (struct mg_ev .req for the request a response answers) or find().
 */
#ifndef MG_PENDING_H
#define MG_PENDING_H

#include <stdbool.h>
#include <stdint.h>

#include "mg_mms.h"

#define MG_PENDING_MAX 32

struct mg_pending_req {
	uint32_t invoke_id;
	uint16_t service;    /* unified service id (mg_mms.h) */
	uint8_t iec_class;   /* enum mg_iec_class of the request PDU */
	uint8_t nobj;        /* objects named, saturating at 255 */
	uint8_t first_kind;  /* enum mg_mms_obj_kind of obj[0] (if nobj) */
	uint8_t first_scope; /* enum mg_mms_obj_scope of obj[0] (if nobj) */
	uint16_t pad;
	uint32_t cookie;   /* owned by the module that set it; 0 = none */
	uint64_t obj_hash; /* mg_pending_obj_hash(&obj[0]); 0 if no object */
};

struct mg_pending {
	uint16_t n;
	struct mg_pending_req r[MG_PENDING_MAX];
};

enum mg_pending_add_res { MG_PENDING_OK = 0, MG_PENDING_DUP, MG_PENDING_FULL };

void mg_pending_init(struct mg_pending *p);
enum mg_pending_add_res mg_pending_add(struct mg_pending *p, const struct mg_mms_pdu *req,
                                       struct mg_pending_req **r);
struct mg_pending_req *mg_pending_find(struct mg_pending *p, uint32_t invoke_id);
bool mg_pending_take(struct mg_pending *p, uint32_t invoke_id, struct mg_pending_req *out);
/* Keyed (per process, random at start-up) 64-bit hash of scope, domain and
 * item: never 0. Keyed so that a client cannot aim at a collision. */
uint64_t mg_pending_obj_hash(const struct mg_mms_obj *o);

#endif
