/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Socket and decoding helpers shared by mg-mms-client and mg-mms-server.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mg_ber.h"
#include "mms_sock.h"

int mgt_send_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_exact(int fd, uint8_t *p, size_t n, int timeout_ms)
{
	size_t got = 0;

	while (got < n) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int r = poll(&pfd, 1, timeout_ms);
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		ssize_t k = recv(fd, p + got, n - got, 0);
		if (k == 0)
			return got == 0 ? 0 : (errno = ECONNRESET, -1);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		got += (size_t)k;
	}
	return 1;
}

ssize_t mgt_read_tpkt(int fd, uint8_t *buf, size_t cap, int timeout_ms)
{
	int r = read_exact(fd, buf, 4, timeout_ms);

	if (r <= 0)
		return r;
	size_t len = (size_t)(buf[2] << 8 | buf[3]);
	if (buf[0] != 3 || len < 7 || len > cap) {
		errno = EPROTO;
		return -1;
	}
	r = read_exact(fd, buf + 4, len - 4, timeout_ms);
	if (r == 0) {
		errno = ECONNRESET;
		return -1;
	}
	return r < 0 ? -1 : (ssize_t)len;
}

/* The first failed item of a Read-/Write-Response (AccessResult / write
 * result failure [0] IMPLICIT DataAccessError), or -1. */
static int first_failure(const uint8_t *p, size_t n)
{
	struct mg_ber_tlv pdu, t, svc, e;
	struct mg_ber_iter it;
	enum mg_reason why;

	if (mg_ber_tlv(p, n, &pdu, &why) != MG_OK)
		return -1;
	mg_ber_iter_init(&it, pdu.val, pdu.len);
	if (mg_ber_next(&it, &t, &why) != MG_OK || mg_ber_next(&it, &svc, &why) != MG_OK)
		return -1;
	mg_ber_iter_init(&it, svc.val, svc.len);
	if (svc.tag == MG_SVC_READ) { /* [0] spec echo?, [1] listOfAccessResult */
		while (mg_ber_next(&it, &t, &why) == MG_OK && !(t.cls == MG_BER_CONTEXT && t.tag == 1))
			;
		if (!(t.cls == MG_BER_CONTEXT && t.tag == 1))
			return -1;
		mg_ber_iter_init(&it, t.val, t.len);
	} else if (svc.tag != MG_SVC_WRITE) {
		return -1;
	}
	while (mg_ber_next(&it, &e, &why) == MG_OK) {
		uint32_t code;
		if (e.cls == MG_BER_CONTEXT && !e.constructed && e.tag == 0 &&
		    mg_ber_uint32(e.val, e.len, &code))
			return (int)code;
	}
	return -1;
}

static void on_ev(void *ud, const struct mg_ev *ev)
{
	struct mgt_unit *u = ud;

	u->kind = ev->kind;
	u->cotp_type = ev->cotp_type;
	u->acse_kind = ev->acse_kind;
	u->pdu_type = -1;
	u->obj[0] = '\0';
	if (ev->kind == MG_EV_MMS && ev->mms) {
		const struct mg_mms_pdu *m = ev->mms;
		u->pdu_type = m->type;
		u->service = m->service;
		u->has_invoke = m->has_invoke_id;
		u->invoke = m->invoke_id;
		if (ev->mms_bytes && ev->mms_len <= sizeof(u->mms)) {
			memcpy(u->mms, ev->mms_bytes, ev->mms_len);
			u->mms_len = ev->mms_len;
		}
		if (m->type == MG_MMS_CONFIRMED_ERROR) {
			snprintf(u->refused, sizeof(u->refused), "error class %d code %d",
				 (int)m->error_class, (int)m->error_code);
		} else if (m->type == MG_MMS_CONFIRMED_RESPONSE && ev->mms_bytes) {
			int f = first_failure(ev->mms_bytes, ev->mms_len);
			if (f == 3)
				snprintf(u->refused, sizeof(u->refused), "object-access-denied");
			else if (f >= 0)
				snprintf(u->refused, sizeof(u->refused), "data-access-error %d", f);
		}
		if (m->nobj && m->obj[0].item)
			snprintf(u->obj, sizeof(u->obj), "%.*s%s%.*s",
				 m->obj[0].domain ? (int)m->obj[0].domain_len : 0,
				 m->obj[0].domain ? (const char *)m->obj[0].domain : "",
				 m->obj[0].domain ? "/" : "", (int)m->obj[0].item_len,
				 (const char *)m->obj[0].item);
	}
}

void mgt_decode(struct mg_engine *e, struct mg_engine_conn *c, int dir, const uint8_t *p,
		size_t n, struct mgt_unit *u)
{
	memset(u, 0, sizeof(*u));
	u->pdu_type = -1;
	u->acse_kind = -1;
	mg_engine_feed(e, c, (uint8_t)dir, p, n, on_ev, u);
}
