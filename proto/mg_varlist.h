/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Named variable lists (data sets) as the IEDs know them, so that a read or
 * write that names a list is judged as an access to every member.
 *
 * What is learnt, and when:
 *   - defineNamedVariableList: the members are recorded when the request
 *     passes (tentative, owned by the association and its invokeID) and
 *     take effect only when the IED answers the request with success (the
 *     response is paired through mg_pending's cookie); an error forgets them;
 *   - getNamedVariableListAttributes: the members the IED reports in its
 *     response (IED-configured data sets become known this way);
 *   - a define of an existing name (at request time), a
 *     deleteNamedVariableList the IED answered with success, and the close
 *     of the last association to an IED forget lists. A delete forgets
 *     nothing at request time: one the policy refused never reaches the IED,
 *     and a host allowed nothing but reads must not make the gate forget a
 *     list other clients rely on.
 * Scopes: aa-specific lists belong to one association; domain- and
 * vmd-specific lists to the IED (its address), shared by all associations
 * to it, whichever defined them.
 *
 * A list whose members are not known (never learnt, forgotten, too big,
 * table full) keeps the class mg_iec61850 gives it: dataset-read for a
 * read, other for a write, i.e. the most the access could reach.
 *
 * Sharing between workers. Two associations to one IED may be handled by
 * different dataplane workers (RSS and the software dispatch keep the two
 * directions of one connection together, not all connections of one IED),
 * and a list defined or deleted on one must be seen on the other at once:
 * a stale copy on one worker is exactly the attack this table closes. So
 * there is one table per process, not per worker:
 *   - lookups (every read/write naming a list) take no lock: a sequence
 *     counter (seqlock) tells a reader that a writer ran during its copy and
 *     it retries; after MG_VL_READ_TRIES failed tries the list is treated
 *     as unknown (conservative, counted);
 *   - changes (define, delete, attributes, association bind/unbind) are
 *     rare and take a spinlock; they never happen on a plain read/write.
 *
 * Bounds (counted when hit): `cap` lists per process, MG_VL_MAX_IEDS IEDs,
 * MG_VL_MAX_MEMBERS members and MG_VL_ARENA bytes of member names per list,
 * list and domain names up to MG_VL_NAME_MAX bytes. What does not fit is
 * not learnt, and so stays unknown.
 */
#ifndef MG_VARLIST_H
#define MG_VARLIST_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "mg_mms.h"
#include "mg_pending.h"

#define MG_VL_MAX_MEMBERS (MG_MMS_MAX_OBJS - 1) /* the list itself + members fit a PDU */
#define MG_VL_ARENA 2048
#define MG_VL_NAME_MAX 64
#define MG_VL_MAX_IEDS 4096
#define MG_VL_READ_TRIES 16
#define MG_VL_DEFAULT_CAP 1024

/* Per-association binding, inside struct mg_engine_conn (no pointers). */
struct mg_vl_conn {
	uint64_t assoc; /* 0: not bound (nothing learnt, every list unknown) */
	uint8_t ver;    /* 4 / 6 */
	uint8_t addr[16];
};

/* Per-worker scratch: the members of the list being expanded (the objects
 * added to the PDU point into it; valid until the next PDU). */
struct mg_vl_copy {
	uint8_t nmem;
	uint16_t used;
	uint8_t arena[MG_VL_ARENA];
};

struct mg_vl_stats {
	uint64_t learned;        /* lists that took effect (define answered, attributes) */
	uint64_t forgotten;      /* lists dropped (delete, redefinition, last association closed) */
	uint64_t expanded;       /* list accesses judged by their members */
	uint64_t unknown;        /* list accesses whose members were not known */
	uint64_t table_full;     /* a list not learnt: no free entry */
	uint64_t too_big;        /* a list not learnt: too many members / names too long */
	uint64_t ied_full;       /* an association not bound: MG_VL_MAX_IEDS reached */
	uint64_t read_retry_out; /* a lookup gave up under concurrent changes */
};

struct mg_vl_table;

/* cap: lists (0 = MG_VL_DEFAULT_CAP). NULL on allocation failure. */
struct mg_vl_table *mg_vl_table_new(uint32_t cap);
void mg_vl_table_free(struct mg_vl_table *t);
void mg_vl_stats(const struct mg_vl_table *t, struct mg_vl_stats *out);
/* Lists currently known (LIVE), for tests and status. */
uint32_t mg_vl_count(const struct mg_vl_table *t);

/* An association to the IED at (ver, addr: 4 or 16 bytes) starts / ends.
 * bind leaves vc->assoc 0 when the IED table is full (counted). */
void mg_vl_bind(struct mg_vl_table *t, struct mg_vl_conn *vc, uint8_t ver, const uint8_t *addr);
void mg_vl_unbind(struct mg_vl_table *t, struct mg_vl_conn *vc);

/*
 * One decoded MMS PDU of a bound association (the engine calls it after its
 * association bookkeeping, before the event): learns from define / delete /
 * attribute requests and their answers (answered = the request a response
 * answers, from mg_pending; pend = the pending table of the PDU's own
 * direction, where a request's cookie is set), and expands a read or write
 * of a known list into its members (objects appended to pdu, classes
 * recomputed; names in *copy).
 */
void mg_vl_observe(struct mg_vl_table *t, const struct mg_vl_conn *vc, uint8_t dir,
		   struct mg_mms_pdu *pdu, const struct mg_pending_req *answered,
		   struct mg_pending *pend, struct mg_vl_copy *copy);

#endif
