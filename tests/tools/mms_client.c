/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mg-mms-client: a tiny MMS client for the namespace tests, on a real TCP
 * socket. Connects (optionally from a given source address), associates
 * (COTP CR, CN + AARQ + initiate-request), then performs each action in
 * order: "read DOM/ITEM" or "operate DOM/ITEM" (a write of an IEC 61850
 * Oper structure), and concludes. "+ACTION OBJ" is sent in the same
 * write as the action after it (pipelined requests, one TCP segment;
 * at most 5, the outstanding-request bound the initiate proposes);
 * their answers are read in order. Prints one line per step: "ok", or
 * "refused (object-access-denied)" / "refused (error class C code K)"
 * when the answer says no (an IED's refusal, or mmsgate's in its place);
 * information reports arriving meanwhile are counted ("report").
 * Exit status: 0 all answered (refusals included); 3 cannot connect; 4
 * connection reset or closed (e.g. by the firewall); 5 timeout; 6
 * protocol surprise (or a --blob answer with the wrong content).
 * For the TCP tests (issue 11, netns_tcp.sh): --blob N checks that every
 * read answer ends with the N-byte blob of its invoke ID (mgt_blob_byte,
 * what `mg-mms-server --blob N` sends), and "wblob DOM/ITEM" writes that
 * blob as an octet string; "sleep MS" idles; --keepalive S turns on TCP
 * keepalive with S seconds idle and interval. --rcvbuf N sets SO_RCVBUF
 * before connecting (a small receive window); --pause-ms N stops reading
 * the socket for N ms after the first requests are sent, so that the
 * answers fill the receive buffer and the window closes (zero-window
 * probes through the gate, netns_tcp.sh zerowin).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mg_gen.h"
#include "mms_sock.h"

/* Room for --blob writes (an MMS PDU of up to 65000 bytes). */
static uint8_t pdu[66000], tsdu[66100], out[66200], buf[65536 + 8];
static int timeout_ms = 3000, rcvbuf;

static int fail_read(const char *what, ssize_t n)
{
	if (n == 0 || errno == ECONNRESET || errno == EPIPE) {
		printf("client: %s: connection reset\n", what);
		return 4;
	}
	if (errno == ETIMEDOUT) {
		printf("client: %s: timeout\n", what);
		return 5;
	}
	printf("client: %s: %s\n", what, strerror(errno));
	return 6;
}

static int connect_to(const char *host, int port, const char *bind_addr)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fam = strchr(host, ':') ? AF_INET6 : AF_INET;
	memset(&ss, 0, sizeof(ss));
	if (fam == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return -1;
		sl = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return -1;
		sl = sizeof(*a);
	}
	int fd = socket(fam, SOCK_STREAM, 0);
	/* Before connect: the window offered in the SYN and the scale follow it. */
	if (rcvbuf > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)) != 0) {
		printf("client: SO_RCVBUF %d: %s\n", rcvbuf, strerror(errno));
		close(fd);
		return -1;
	}
	if (bind_addr) {
		struct sockaddr_storage bs;
		memset(&bs, 0, sizeof(bs));
		if (fam == AF_INET) {
			struct sockaddr_in *b = (struct sockaddr_in *)&bs;
			b->sin_family = AF_INET;
			inet_pton(AF_INET, bind_addr, &b->sin_addr);
		} else {
			struct sockaddr_in6 *b = (struct sockaddr_in6 *)&bs;
			b->sin6_family = AF_INET6;
			inet_pton(AF_INET6, bind_addr, &b->sin6_addr);
		}
		if (bind(fd, (struct sockaddr *)&bs, sl) != 0) {
			printf("client: bind %s: %s\n", bind_addr, strerror(errno));
			close(fd);
			return -1;
		}
	}
	/* Non-blocking connect with our own timeout (SYNs dropped by the gate). */
	fcntl(fd, F_SETFL, O_NONBLOCK);
	if (connect(fd, (struct sockaddr *)&ss, sl) != 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	int err = 0;
	socklen_t el = sizeof(err);
	if (poll(&p, 1, timeout_ms) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 ||
	    err != 0) {
		errno = err ? err : ETIMEDOUT;
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, 0);
	return fd;
}

int main(int argc, char **argv)
{
	const char *host = NULL, *bind_addr = NULL;
	int port = 102, i, keepalive = 0, pause_ms = 0;
	size_t blob = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--host") == 0 && i + 1 < argc)
			host = argv[++i];
		else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
			port = atoi(argv[++i]);
		else if (strcmp(argv[i], "--bind") == 0 && i + 1 < argc)
			bind_addr = argv[++i];
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
			timeout_ms = atoi(argv[++i]);
		else if (strcmp(argv[i], "--blob") == 0 && i + 1 < argc && atoi(argv[i + 1]) >= 0 &&
			 atoi(argv[i + 1]) <= 60000)
			blob = (size_t)atoi(argv[++i]);
		else if (strcmp(argv[i], "--keepalive") == 0 && i + 1 < argc)
			keepalive = atoi(argv[++i]);
		else if (strcmp(argv[i], "--rcvbuf") == 0 && i + 1 < argc && atoi(argv[i + 1]) > 0)
			rcvbuf = atoi(argv[++i]);
		else if (strcmp(argv[i], "--pause-ms") == 0 && i + 1 < argc &&
		         atoi(argv[i + 1]) >= 0)
			pause_ms = atoi(argv[++i]);
		else
			break;
	}
	if (host == NULL || (argc - i) % 2 != 0) {
		fprintf(stderr, "usage: mg-mms-client --host IP [--port N] [--bind IP] [--timeout MS] "
				"[--blob N] [--keepalive S] [--rcvbuf N] [--pause-ms N] "
				"[read|operate|wblob DOM/ITEM | sleep MS]...\n");
		return 2;
	}
	int fd = connect_to(host, port, bind_addr);
	if (fd < 0) {
		printf("client: cannot connect to %s:%d: %s\n", host, port, strerror(errno));
		return 3;
	}
	printf("client: connected\n");
	if (keepalive > 0) {
		int one = 1, cnt = 5;
		if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one)) != 0 ||
		    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &keepalive, sizeof(keepalive)) != 0 ||
		    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &keepalive, sizeof(keepalive)) != 0 ||
		    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt)) != 0) {
			printf("client: keepalive: %s\n", strerror(errno));
			return 6;
		}
	}

	struct mg_engine eng;
	struct mg_engine_conn conn;
	struct mg_engine_cfg cfg = {.buf_size = MG_ENGINE_DEFAULT_BUF_SIZE,
				    .buf_get = mg_engine_malloc_get,
				    .buf_put = mg_engine_malloc_put};
	struct mg_gen_ctx ctx = {.acse = 1, .mms = 3};
	struct mgt_unit u;
	ssize_t n;
	size_t k, m, t;

	mg_engine_init(&eng, &cfg);
	mg_engine_conn_init(&conn);
	k = mg_gen_cotp_cr(out, sizeof(out), 0x0001);
	mgt_decode(&eng, &conn, MG_DIR_C2S, out, k, &u);
	if (mgt_send_all(fd, out, k) != 0 || (n = mgt_read_tpkt(fd, buf, sizeof(buf), timeout_ms)) <= 0)
		return fail_read("cotp connect", n = -1);
	mgt_decode(&eng, &conn, MG_DIR_S2C, buf, (size_t)n, &u);

	m = mg_gen_mms_initiate_req(pdu, sizeof(pdu), 65000);
	t = mg_gen_osi_connect_req(tsdu, sizeof(tsdu), &ctx, pdu, m);
	k = mg_gen_cotp_dt(out, sizeof(out), tsdu, t, 0);
	mgt_decode(&eng, &conn, MG_DIR_C2S, out, k, &u);
	if (mgt_send_all(fd, out, k) != 0)
		return fail_read("initiate", -1);
	n = mgt_read_tpkt(fd, buf, sizeof(buf), timeout_ms);
	if (n <= 0)
		return fail_read("initiate", n);
	mgt_decode(&eng, &conn, MG_DIR_S2C, buf, (size_t)n, &u);
	if (u.pdu_type != MG_MMS_INITIATE_RESPONSE) {
		printf("client: initiate: unexpected answer\n");
		return 6;
	}
	printf("client: associated\n");

	uint32_t invoke = 1;
	/* "+ACTION OBJ": sent in one write with the next action(s), the
	 * answers read afterwards in order (pipelined requests). */
	static uint8_t pipe_buf[sizeof(out) * 5], bb[60000];
	size_t pipe_len = 0;
	struct {
		const char *act, *obj;
		uint32_t invoke;
	} pend[5];
	unsigned npend = 0;
	for (; i + 1 < argc; i += 2) {
		const char *act = argv[i], *obj = argv[i + 1];
		const char *names[] = {obj};
		bool hold = act[0] == '+';
		if (hold)
			act++;
		if (strcmp(act, "sleep") == 0 && !hold && npend == 0) {
			int ms = atoi(obj);
			nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000L}, NULL);
			printf("client: slept %d ms\n", ms);
			continue;
		}
		if (strcmp(act, "wblob") == 0) {
			for (size_t q = 0; q < blob; q++)
				bb[q] = mgt_blob_byte(invoke, q);
			struct mg_gen_data bv = {
			    .kind = MG_GEN_D_OCTETS, .s = (const char *)bb, .n = blob};
			m = mg_gen_mms_write(pdu, sizeof(pdu), invoke, names, &bv, 1);
		} else if (strcmp(act, "read") == 0)
			m = mg_gen_mms_read(pdu, sizeof(pdu), invoke, names, 1);
		else if (strcmp(act, "operate") == 0)
			m = mg_gen_mms_write_oper(pdu, sizeof(pdu), invoke, obj, true, (uint8_t)invoke,
						  true);
		else {
			fprintf(stderr, "client: unknown action %s\n", act);
			return 2;
		}
		t = mg_gen_osi_data(tsdu, sizeof(tsdu), &ctx, pdu, m);
		k = mg_gen_cotp_dt(out, sizeof(out), tsdu, t, 0);
		mgt_decode(&eng, &conn, MG_DIR_C2S, out, k, &u);
		memcpy(pipe_buf + pipe_len, out, k);
		pipe_len += k;
		pend[npend].act = act;
		pend[npend].obj = obj;
		pend[npend].invoke = invoke++;
		npend++;
		if (hold && npend < 5 && i + 3 < argc)
			continue;
		if (mgt_send_all(fd, pipe_buf, pipe_len) != 0)
			return fail_read(act, -1);
		pipe_len = 0;
		if (pause_ms > 0) { /* once: the answers pile up unread */
			nanosleep(&(struct timespec){pause_ms / 1000, (pause_ms % 1000) * 1000000L},
				  NULL);
			printf("client: paused %d ms before reading\n", pause_ms);
			pause_ms = 0;
		}
		for (unsigned q = 0; q < npend; q++) {
		act = pend[q].act;
		obj = pend[q].obj;
		for (;;) { /* reports may come before the answer */
			n = mgt_read_tpkt(fd, buf, sizeof(buf), timeout_ms);
			if (n <= 0) {
				char what[256];
				snprintf(what, sizeof(what), "%s %s", act, obj);
				return fail_read(what, n);
			}
			mgt_decode(&eng, &conn, MG_DIR_S2C, buf, (size_t)n, &u);
			if (u.pdu_type != MG_MMS_UNCONFIRMED)
				break;
			printf("client: report\n");
		}
		if ((u.pdu_type != MG_MMS_CONFIRMED_RESPONSE && u.pdu_type != MG_MMS_CONFIRMED_ERROR) ||
		    u.invoke != pend[q].invoke) {
			printf("client: %s %s: unexpected answer (pdu %d)\n", act, obj, u.pdu_type);
			return 6;
		}
		if (blob && u.pdu_type == MG_MMS_CONFIRMED_RESPONSE && strcmp(act, "read") == 0 &&
		    !mgt_blob_ok(buf, (size_t)n, u.invoke, blob)) {
			printf("client: %s %s: bad content\n", act, obj);
			return 6;
		}
		if (u.refused[0])
			printf("client: %s %s: refused (%s)\n", act, obj, u.refused);
		else
			printf("client: %s %s: ok\n", act, obj);
		}
		npend = 0;
	}
	m = mg_gen_mms_conclude_req(pdu, sizeof(pdu));
	t = mg_gen_osi_data(tsdu, sizeof(tsdu), &ctx, pdu, m);
	k = mg_gen_cotp_dt(out, sizeof(out), tsdu, t, 0);
	if (mgt_send_all(fd, out, k) == 0) {
		for (;;) {
			n = mgt_read_tpkt(fd, buf, sizeof(buf), timeout_ms);
			if (n <= 0)
				break;
			mgt_decode(&eng, &conn, MG_DIR_S2C, buf, (size_t)n, &u);
			if (u.pdu_type == MG_MMS_UNCONFIRMED) {
				printf("client: report\n");
				continue;
			}
			if (u.pdu_type == MG_MMS_CONCLUDE_RESPONSE)
				printf("client: concluded\n");
			break;
		}
	}
	close(fd);
	mg_engine_conn_release(&eng, &conn);
	return 0;
}
