/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared helpers of the test MMS client and server (real TCP sockets):
 * TPKT-framed reads with a timeout, and decoding of what was received with
 * the protocol engine, so both tools speak exactly what mmsgate parses.
 */
#ifndef MGT_MMS_SOCK_H
#define MGT_MMS_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mg_engine.h"

struct mgt_unit {
	int kind;          /* enum mg_ev_kind, 0 = none */
	int cotp_type;
	int acse_kind;
	int pdu_type;      /* MMS PDU type, -1 none */
	uint16_t service;
	bool has_invoke;
	uint32_t invoke;
	char obj[128];     /* first object "dom/item" */
	/* A confirmed response with a failed item or a confirmed-ErrorPDU:
	 * why, e.g. "object-access-denied" or "error class 7 code 3"; "" when
	 * everything succeeded. */
	char refused[48];
	/* the MMS PDU's bytes (copied, at most sizeof(mms)) */
	size_t mms_len;
	uint8_t mms[1024];
};

/* Byte k of the octet-string "blob" of size N carried by the request or
 * answer with invoke ID `invoke` (--blob in client and server): content
 * that differs per PDU, so a byte delivered in the wrong place shows. */
static inline uint8_t mgt_blob_byte(uint32_t invoke, size_t k)
{
	return (uint8_t)(k * 7u + invoke * 13u + (k >> 8));
}
/* true when the last n bytes of p[0..len) are the blob of invoke. */
static inline bool mgt_blob_ok(const uint8_t *p, size_t len, uint32_t invoke, size_t n)
{
	if (len < n)
		return false;
	p += len - n;
	for (size_t k = 0; k < n; k++)
		if (p[k] != mgt_blob_byte(invoke, k))
			return false;
	return true;
}

int mgt_send_all(int fd, const uint8_t *p, size_t n);
/* One TPKT into buf: its length; 0 on orderly EOF; -1 on error (errno set,
 * ETIMEDOUT after timeout_ms, ECONNRESET on reset). */
ssize_t mgt_read_tpkt(int fd, uint8_t *buf, size_t cap, int timeout_ms);
/* Decode one TPKT of direction dir; fills *u with the last unit seen. */
void mgt_decode(struct mg_engine *e, struct mg_engine_conn *c, int dir, const uint8_t *p,
		size_t n, struct mgt_unit *u);

#endif
