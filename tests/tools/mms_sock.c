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
