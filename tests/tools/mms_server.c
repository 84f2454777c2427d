/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mg-mms-server: a tiny MMS "IED" for the namespace tests. Listens on TCP
 * (dual stack), answers COTP CR with CC, the association (CN + AARQ +
 * initiate-request) with AC + AARE + initiate-response, read with a boolean
 * value, write with success, conclude with its response, ACSE release with
 * RLRE. PDUs are built by the generator library (canned but valid); what
 * arrives is decoded by the protocol engine. One line per request on
 * stdout. Serves clients one after another until killed (or --once).
 * --reports: after each answer to a confirmed request, an IEC 61850
 * report (informationReport of LD0/LLN0$RP$urcb01) follows, as an IED
 * with an enabled report control block would send. --refuse-writes: writes
 * are answered the way an IED refuses them (object-access-denied per item:
 * the answer mmsgate sends in reply-error mode, from the same builder).
 * --log FILE: what the application received, exactly: a line "client ADDR
 * PORT" per connection, "in HEX" per TPKT read from the socket, "end WHY"
 * when it stops (tests compare it with the stream the gate inspected).
 * --blob N (issue 11, netns_tcp.sh: many segments in flight): reads are
 * answered with an octet string of N bytes (mgt_blob_byte), and a write
 * succeeds only when it carries the blob of its invoke ID (else a write
 * failure and "bad content" on stdout).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mg_gen.h"
#include "mg_refuse.h"
#include "mms_sock.h"

/* Room for a --blob answer (an MMS PDU of up to 65000 bytes). */
static uint8_t pdu[66000], tsdu[66100], out[66200];

static int send_tsdu(int fd, size_t n)
{
	size_t k = mg_gen_cotp_dt(out, sizeof(out), tsdu, n, 0);
	return k ? mgt_send_all(fd, out, k) : -1;
}

static int reports, refuse_writes;
static FILE *logf;

static void log_tpkt(const uint8_t *p, size_t n)
{
	if (!logf)
		return;
	fputs("in ", logf);
	for (size_t i = 0; i < n; i++)
		fprintf(logf, "%02x", p[i]);
	fputc('\n', logf);
	fflush(logf);
}

static size_t blob;

static void serve(int fd)
{
	struct mg_engine eng;
	struct mg_engine_conn conn;
	struct mg_engine_cfg cfg = {.buf_size = MG_ENGINE_DEFAULT_BUF_SIZE,
				    .buf_get = mg_engine_malloc_get,
				    .buf_put = mg_engine_malloc_put};
	struct mg_gen_ctx ctx = {.acse = 1, .mms = 3};
	struct mg_gen_conn wrap;
	static uint8_t buf[65536 + 8];

	mg_gen_conn_init4(&wrap, 0, 0, 0, 102, (struct mg_gen_sink){0});
	mg_engine_init(&eng, &cfg);
	mg_engine_conn_init(&conn);
	for (;;) {
		ssize_t n = mgt_read_tpkt(fd, buf, sizeof(buf), 30000);
		if (n <= 0) {
			printf("server: connection %s\n", n == 0 ? "closed" : strerror(errno));
			if (logf) {
				fprintf(logf, "end %s\n", n == 0 ? "closed" : strerror(errno));
				fflush(logf);
			}
			break;
		}
		log_tpkt(buf, (size_t)n);
		if (n > 5 && buf[5] == MG_COTP_CR) {
			size_t k = mg_gen_cotp_cc(out, sizeof(out), 0x0001, 0x0002);
			mgt_send_all(fd, out, k);
			mgt_decode(&eng, &conn, MG_DIR_C2S, buf, (size_t)n, &(struct mgt_unit){0});
			/* The engine must see the CC too to accept data. */
			mgt_decode(&eng, &conn, MG_DIR_S2C, out, k, &(struct mgt_unit){0});
			continue;
		}
		struct mgt_unit u;
		mgt_decode(&eng, &conn, MG_DIR_C2S, buf, (size_t)n, &u);
		size_t m = 0, t = 0;
		if (u.kind == MG_EV_MMS && u.pdu_type == MG_MMS_INITIATE_REQUEST) {
			m = mg_gen_mms_initiate_resp(pdu, sizeof(pdu), 65000);
			t = mg_gen_osi_connect_resp(tsdu, sizeof(tsdu), &ctx, pdu, m);
			printf("server: associated\n");
		} else if (u.kind == MG_EV_MMS && u.pdu_type == MG_MMS_CONFIRMED_REQUEST) {
			static const struct mg_gen_data val = {.kind = MG_GEN_D_BOOL, .i = 1};
			static uint8_t bb[60000];
			if (u.service == MG_SVC_READ && blob) {
				for (size_t k = 0; k < blob; k++)
					bb[k] = mgt_blob_byte(u.invoke, k);
				struct mg_gen_data bv = {
				    .kind = MG_GEN_D_OCTETS, .s = (const char *)bb, .n = blob};
				m = mg_gen_mms_read_resp(pdu, sizeof(pdu), u.invoke, &bv, 1);
			} else if (u.service == MG_SVC_READ)
				m = mg_gen_mms_read_resp(pdu, sizeof(pdu), u.invoke, &val, 1);
			else if (u.service == MG_SVC_WRITE && blob) {
				bool ok = mgt_blob_ok(buf, (size_t)n, u.invoke, blob);
				m = mg_gen_mms_write_resp(pdu, sizeof(pdu), u.invoke, 1, ok ? 0 : 1);
				if (!ok)
					printf("server: write %s: bad content\n", u.obj);
			} else if (u.service == MG_SVC_WRITE && refuse_writes) {
				struct mg_refuse_req rq;
				enum mg_reason why;
				if (u.mms_len &&
				    mg_refuse_plan(u.mms, u.mms_len, &rq, &why) == MG_OK)
					m = mg_refuse_build_mms(&rq, pdu, sizeof(pdu));
			} else if (u.service == MG_SVC_WRITE)
				m = mg_gen_mms_write_resp(pdu, sizeof(pdu), u.invoke, 1, 0);
			else
				m = mg_gen_mms_confirmed_error(pdu, sizeof(pdu), u.invoke, 7, 2);
			printf("server: %s %s\n", mg_mms_svc_name(u.service), u.obj);
		} else if (u.kind == MG_EV_MMS && u.pdu_type == MG_MMS_CONCLUDE_REQUEST) {
			m = mg_gen_mms_conclude_resp(pdu, sizeof(pdu));
			printf("server: conclude\n");
		} else if (u.acse_kind == MG_ACSE_RLRQ) {
			t = mg_gen_osi_release_resp(tsdu, sizeof(tsdu), &ctx);
		} else {
			printf("server: unhandled unit kind %d\n", u.kind);
		}
		fflush(stdout);
		if (m && !t)
			t = mg_gen_osi_data(tsdu, sizeof(tsdu), &ctx, pdu, m);
		if (t) {
			/* Keep the engine's view of the association in step. */
			size_t k = mg_gen_cotp_dt(out, sizeof(out), tsdu, t, 0);
			mgt_decode(&eng, &conn, MG_DIR_S2C, out, k, &(struct mgt_unit){0});
			if (mgt_send_all(fd, out, k) != 0)
				break;
		}
		if (reports && u.kind == MG_EV_MMS && u.pdu_type == MG_MMS_CONFIRMED_REQUEST) {
			static const struct mg_gen_data rv = {.kind = MG_GEN_D_BOOL, .i = 1};
			m = mg_gen_mms_info_report(pdu, sizeof(pdu), "LD0/LLN0$RP$urcb01", &rv, 1);
			t = mg_gen_osi_data(tsdu, sizeof(tsdu), &ctx, pdu, m);
			size_t k = mg_gen_cotp_dt(out, sizeof(out), tsdu, t, 0);
			mgt_decode(&eng, &conn, MG_DIR_S2C, out, k, &(struct mgt_unit){0});
			if (mgt_send_all(fd, out, k) != 0)
				break;
			printf("server: report sent\n");
			fflush(stdout);
		}
	}
	fflush(stdout);
	mg_engine_conn_release(&eng, &conn);
	(void)send_tsdu;
}

int main(int argc, char **argv)
{
	int port = 102, once = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
			port = atoi(argv[++i]);
		else if (strcmp(argv[i], "--once") == 0)
			once = 1;
		else if (strcmp(argv[i], "--reports") == 0)
			reports = 1;
		else if (strcmp(argv[i], "--refuse-writes") == 0)
			refuse_writes = 1;
		else if (strcmp(argv[i], "--log") == 0 && i + 1 < argc) {
			logf = fopen(argv[++i], "a");
			if (!logf) {
				perror(argv[i]);
				return 1;
			}
		} else if (strcmp(argv[i], "--blob") == 0 && i + 1 < argc &&
			   atoi(argv[i + 1]) >= 0 && atoi(argv[i + 1]) <= 60000) {
			blob = (size_t)atoi(argv[++i]);
		} else {
			fprintf(stderr, "usage: mg-mms-server [--port N] [--once] [--reports] "
			                "[--refuse-writes] [--log FILE] [--blob N]\n");
			return 2;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	int ls = socket(AF_INET6, SOCK_STREAM, 0), zero = 0, one = 1;
	setsockopt(ls, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port),
				 .sin6_addr = IN6ADDR_ANY_INIT};
	if (bind(ls, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(ls, 8) != 0) {
		fprintf(stderr, "mg-mms-server: port %d: %s\n", port, strerror(errno));
		return 1;
	}
	printf("server: listening on %d\n", port);
	fflush(stdout);
	for (;;) {
		struct sockaddr_in6 peer;
		socklen_t pl = sizeof(peer);
		int fd = accept(ls, (struct sockaddr *)&peer, &pl);
		if (fd < 0)
			continue;
		char ip[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &peer.sin6_addr, ip, sizeof(ip));
		printf("server: client %s\n", ip);
		fflush(stdout);
		if (logf) {
			fprintf(logf, "client %s %u\n", ip, ntohs(peer.sin6_port));
			fflush(logf);
		}
		serve(fd);
		close(fd);
		if (once)
			break;
	}
	return 0;
}
