/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control channel unit tests: the real server (dataplane/ctl_server.c) on a
 * temporary socket with a fake ops table, driven by the real client
 * (ctl/ctl_client.c) and by hand-made bad datagrams. Checks the envelope,
 * every command's dispatch and argument validation, hostile input
 * (garbage, truncated, oversized, wrong version, NUL bytes) answered with
 * an error on a connection that stays usable, large list responses cut to
 * fit one datagram, the "not running" / stale socket / timeout paths, and
 * the socket's permissions.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctl_client.h"
#include "ctl_proto.h"
#include "ctl_server.h"
#include "fake_ops.h"

static char sock_path[108];
static struct fake_state st;
static struct mg_ctl_server *srv;
static char err[MG_CTL_ERR_MAX];

static void start(void)
{
	snprintf(sock_path, sizeof(sock_path), "/tmp/mg-ctl-test-%d/ctl.sock", (int)getpid());
	fake_state_init(&st);
	struct mg_ctl_server_conf conf = {.path = sock_path, .gid = (gid_t)-1, .ops = &fake_ops, .ud = &st};
	srv = mg_ctl_server_start(&conf, err, sizeof(err));
	cr_assert_not_null(srv, "server start: %s", err);
}

static void stop(void)
{
	mg_ctl_server_stop(srv);
	srv = NULL;
	char dir[108];
	snprintf(dir, sizeof(dir), "/tmp/mg-ctl-test-%d", (int)getpid());
	rmdir(dir);
}

TestSuite(ctl, .init = start, .fini = stop);

static void conn(struct mg_ctl_conn *c)
{
	int rc = mg_ctl_connect(c, sock_path, 2000, err, sizeof(err));
	cr_assert_eq(rc, MG_CTL_OK, "connect: %s", err);
}

/* Send raw bytes, return the parsed response (asserting it is a valid
 * envelope). */
static json_t *raw(struct mg_ctl_conn *c, const void *buf, size_t len)
{
	char *resp;
	size_t rlen;
	const char *code;
	int rc = mg_ctl_exchange_raw(c, buf, len, 2000, &resp, &rlen, err, sizeof(err));
	cr_assert_eq(rc, MG_CTL_OK, "exchange: %s", err);
	json_t *m = mg_ctl_msg_parse(resp, rlen, &code, err, sizeof(err));
	cr_assert_not_null(m, "response not a valid envelope: %s (%s)", err, resp);
	free(resp);
	return m;
}

static void expect_error(struct mg_ctl_conn *c, const char *req, size_t len, const char *want_code)
{
	json_t *m = raw(c, req, len);
	cr_assert(json_is_false(json_object_get(m, "ok")), "expected ok:false for %.60s", req);
	const char *code = json_string_value(json_object_get(m, "code"));
	cr_assert_not_null(code);
	cr_assert_str_eq(code, want_code, "request %.60s: code %s, want %s", req, code, want_code);
	cr_assert_not_null(json_string_value(json_object_get(m, "error")));
	json_decref(m);
}

static void expect_ping(struct mg_ctl_conn *c)
{
	json_t *d;
	int rc = mg_ctl_request(c, MG_CTL_CMD_PING, NULL, 2000, &d, err, sizeof(err));
	cr_assert_eq(rc, MG_CTL_OK, "ping: %s", err);
	cr_assert(json_is_true(json_object_get(d, "pong")));
	json_decref(d);
}

Test(ctl, ping_and_status)
{
	struct mg_ctl_conn c;
	json_t *d;
	conn(&c);
	expect_ping(&c);
	cr_assert_eq(mg_ctl_request(&c, "status", NULL, 2000, &d, err, sizeof(err)), MG_CTL_OK, "%s", err);
	cr_assert_eq(json_integer_value(json_object_get(d, "generation")), 1);
	cr_assert_str_eq(json_string_value(json_object_get(d, "mode")), "enforce");
	cr_assert_eq(json_array_size(json_object_get(d, "ports")), 2);
	json_decref(d);
	mg_ctl_close(&c);
}

Test(ctl, every_command)
{
	struct mg_ctl_conn c;
	json_t *d, *a;
	conn(&c);
	cr_assert_eq(mg_ctl_request(&c, "stats", NULL, 2000, &d, err, sizeof(err)), MG_CTL_OK);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(d, "services"), "read")), 7);
	json_decref(d);
	/* counters move */
	cr_assert_eq(mg_ctl_request(&c, "stats", NULL, 2000, &d, err, sizeof(err)), MG_CTL_OK);
	cr_assert_eq(json_integer_value(json_object_get(json_object_get(d, "services"), "read")), 14);
	json_decref(d);

	a = json_pack("{s:i}", "limit", 2);
	cr_assert_eq(mg_ctl_request(&c, "flows", a, 2000, &d, err, sizeof(err)), MG_CTL_OK);
	json_decref(a);
	cr_assert_eq(json_array_size(json_object_get(d, "flows")), 2);
	cr_assert(json_is_true(json_object_get(d, "truncated")));
	json_decref(d);

	/* events: tail, then since */
	a = json_pack("{s:i}", "limit", 2);
	cr_assert_eq(mg_ctl_request(&c, "events", a, 2000, &d, err, sizeof(err)), MG_CTL_OK);
	json_decref(a);
	cr_assert_eq(json_array_size(json_object_get(d, "events")), 2);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(json_object_get(d, "events"), 1), "seq")), 5);
	json_int_t next = json_integer_value(json_object_get(d, "next"));
	cr_assert_eq(next, 6);
	json_decref(d);
	a = json_pack("{s:I}", "since", next);
	cr_assert_eq(mg_ctl_request(&c, "events", a, 2000, &d, err, sizeof(err)), MG_CTL_OK);
	json_decref(a);
	cr_assert_eq(json_array_size(json_object_get(d, "events")), 1, "one new event since");
	json_decref(d);

	a = json_pack("{s:s}", "mode", "monitor");
	cr_assert_eq(mg_ctl_request(&c, "mode", a, 2000, &d, err, sizeof(err)), MG_CTL_OK);
	json_decref(a);
	json_decref(d);
	cr_assert_str_eq(st.mode, "monitor");

	cr_assert_eq(mg_ctl_request(&c, "policy_show", NULL, 2000, &d, err, sizeof(err)), MG_CTL_OK);
	cr_assert_eq(json_array_size(json_object_get(d, "rules")), 1);
	json_decref(d);
	mg_ctl_close(&c);
}

Test(ctl, policy_load_good_and_bad)
{
	struct mg_ctl_conn c;
	json_t *d, *a;
	char good[] = "/tmp/mg-ctl-good-XXXXXX", bad[] = "/tmp/mg-ctl-bad-XXXXXX";
	int fg = mkstemp(good), fb = mkstemp(bad);
	cr_assert(fg >= 0 && fb >= 0);
	cr_assert(write(fg, "policy ok\n", 10) == 10);
	cr_assert(write(fb, "ok\n  error here\nerror\n", 22) == 22);
	close(fg);
	close(fb);
	conn(&c);

	a = json_pack("{s:s}", "path", bad);
	cr_assert_eq(mg_ctl_request(&c, "policy_load", a, 2000, &d, err, sizeof(err)), MG_CTL_REMOTE);
	json_decref(a);
	/* every diagnostic, file:line:col, one per line */
	char want[256];
	snprintf(want, sizeof(want), "%s:2:3: error: fake error\n%s:3:1: error: fake error", bad, bad);
	cr_assert_str_eq(err, want);
	cr_assert_eq(st.generation, 1, "nothing changed");

	a = json_pack("{s:s}", "path", good);
	cr_assert_eq(mg_ctl_request(&c, "policy_load", a, 2000, &d, err, sizeof(err)), MG_CTL_OK, "%s", err);
	json_decref(a);
	cr_assert_eq(json_integer_value(json_object_get(d, "generation")), 2);
	cr_assert_eq(json_integer_value(json_object_get(d, "swap_us")), 42);
	json_decref(d);
	unlink(good);
	unlink(bad);
	mg_ctl_close(&c);
}

Test(ctl, bad_input_answered_and_connection_survives)
{
	struct mg_ctl_conn c;
	conn(&c);
	static const struct {
		const char *req;
		const char *code;
	} cases[] = {
		{"garbage", MG_CTL_E_BAD_REQUEST},
		{"\xff\xfe\x00\x01", MG_CTL_E_BAD_REQUEST},
		{"{\"v\":1,\"cmd\":\"status\"", MG_CTL_E_BAD_REQUEST}, /* truncated */
		{"{\"v\":1,\"cmd\":\"sta", MG_CTL_E_BAD_REQUEST},
		{"[1,2,3]", MG_CTL_E_BAD_REQUEST},
		{"\"status\"", MG_CTL_E_BAD_REQUEST},
		{"{\"cmd\":\"status\"}", MG_CTL_E_BAD_VERSION},
		{"{\"v\":2,\"cmd\":\"status\"}", MG_CTL_E_BAD_VERSION},
		{"{\"v\":\"1\",\"cmd\":\"status\"}", MG_CTL_E_BAD_VERSION},
		{"{\"v\":1}", MG_CTL_E_BAD_REQUEST},
		{"{\"v\":1,\"cmd\":42}", MG_CTL_E_BAD_REQUEST},
		{"{\"v\":1,\"cmd\":\"status\",\"v\":1}", MG_CTL_E_BAD_REQUEST}, /* duplicate key */
		{"{\"v\":1,\"cmd\":\"reboot\"}", MG_CTL_E_UNKNOWN_CMD},
		{"{\"v\":1,\"cmd\":\"flows\",\"args\":[1]}", MG_CTL_E_BAD_ARGS},
		{"{\"v\":1,\"cmd\":\"flows\",\"args\":{\"limit\":-1}}", MG_CTL_E_BAD_ARGS},
		{"{\"v\":1,\"cmd\":\"flows\",\"args\":{\"limit\":\"10\"}}", MG_CTL_E_BAD_ARGS},
		{"{\"v\":1,\"cmd\":\"events\",\"args\":{\"since\":-5}}", MG_CTL_E_BAD_ARGS},
		{"{\"v\":1,\"cmd\":\"mode\",\"args\":{\"mode\":\"off\"}}", MG_CTL_E_BAD_ARGS},
		{"{\"v\":1,\"cmd\":\"mode\"}", MG_CTL_E_BAD_ARGS},
		{"{\"v\":1,\"cmd\":\"policy_load\",\"args\":{\"path\":\"relative.pol\"}}", MG_CTL_E_BAD_ARGS},
		{"{\"v\":1,\"cmd\":\"policy_load\",\"args\":{}}", MG_CTL_E_BAD_ARGS},
		{"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", MG_CTL_E_BAD_REQUEST},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		expect_error(&c, cases[i].req, strlen(cases[i].req) ? strlen(cases[i].req) : 4, cases[i].code);
		expect_ping(&c);
	}
	/* embedded NUL */
	expect_error(&c, "{\"v\":1,\"cmd\":\"st\0atus\"}", 23, MG_CTL_E_BAD_REQUEST);
	/* oversized: 3x the limit, and exactly one byte over */
	size_t big = 3 * MG_CTL_MAX_REQUEST;
	char *b = malloc(big);
	memset(b, ' ', big);
	memcpy(b, "{\"v\":1,\"cmd\":\"ping\"}", 20);
	expect_error(&c, b, big, MG_CTL_E_TOO_BIG);
	expect_error(&c, b, MG_CTL_MAX_REQUEST + 1, MG_CTL_E_TOO_BIG);
	/* exactly at the limit: accepted (trailing spaces are valid JSON) */
	json_t *m = raw(&c, b, MG_CTL_MAX_REQUEST);
	cr_assert(json_is_true(json_object_get(m, "ok")), "at the limit: %s",
		  json_string_value(json_object_get(m, "error")));
	json_decref(m);
	free(b);
	expect_ping(&c);
	struct mg_ctl_server_stats ss;
	mg_ctl_server_get_stats(srv, &ss);
	cr_assert_geq(ss.too_big, 2);
	mg_ctl_close(&c);
}

Test(ctl, random_datagrams_never_break_the_server)
{
	unsigned seed = 12345;
	for (int i = 0; i < 3000; i++) {
		uint8_t buf[256];
		size_t n = 1 + (size_t)(rand_r(&seed) % sizeof(buf));
		for (size_t k = 0; k < n; k++)
			buf[k] = (uint8_t)rand_r(&seed);
		if (i % 3 == 0) /* mostly-valid prefix, random tail */
			memcpy(buf, "{\"v\":1,\"cmd\":\"", n < 14 ? n : 14);
		size_t rlen;
		char *r = mg_ctl_server_handle(srv, buf, n, &rlen);
		const char *code;
		json_t *m = mg_ctl_msg_parse(r, rlen, &code, err, sizeof(err));
		cr_assert_not_null(m, "response to random input is not an envelope: %s", r);
		cr_assert(json_is_boolean(json_object_get(m, "ok")));
		json_decref(m);
		free(r);
	}
}

Test(ctl, big_lists_are_cut_to_one_datagram)
{
	struct mg_ctl_conn c;
	json_t *d, *a;
	st.nflows = 5000;
	st.flow_pad = 200;
	conn(&c);
	a = json_pack("{s:i}", "limit", 5000);
	cr_assert_eq(mg_ctl_request(&c, "flows", a, 5000, &d, err, sizeof(err)), MG_CTL_OK, "%s", err);
	json_decref(a);
	size_t n = json_array_size(json_object_get(d, "flows"));
	cr_assert(n > 10 && n < 5000, "got %zu flows", n);
	cr_assert(json_is_true(json_object_get(d, "truncated")));
	json_decref(d);
	expect_ping(&c);
	mg_ctl_close(&c);
}

Test(ctl, many_clients_at_once)
{
	struct mg_ctl_conn c[8];
	for (int i = 0; i < 8; i++)
		conn(&c[i]);
	for (int r = 0; r < 20; r++)
		for (int i = 0; i < 8; i++)
			expect_ping(&c[i]);
	for (int i = 0; i < 8; i++)
		mg_ctl_close(&c[i]);
}

Test(ctl, socket_mode_and_second_server_refused)
{
	struct stat sb;
	cr_assert_eq(stat(sock_path, &sb), 0);
	cr_assert(S_ISSOCK(sb.st_mode));
	cr_assert_eq(sb.st_mode & 0777, 0600, "mode %o", sb.st_mode & 0777);
	struct fake_state st2;
	fake_state_init(&st2);
	struct mg_ctl_server_conf conf = {.path = sock_path, .gid = (gid_t)-1, .ops = &fake_ops, .ud = &st2};
	struct mg_ctl_server *s2 = mg_ctl_server_start(&conf, err, sizeof(err));
	cr_assert_null(s2, "a second server must not steal a live socket");
	cr_assert(strstr(err, "another mmsgate"), "%s", err);
	/* the first server still answers */
	struct mg_ctl_conn c;
	conn(&c);
	expect_ping(&c);
	mg_ctl_close(&c);
}

Test(ctl, unsupported_op)
{
	static const struct mg_ctl_ops none = {0};
	char p[108];
	snprintf(p, sizeof(p), "/tmp/mg-ctl-none-%d.sock", (int)getpid());
	struct mg_ctl_server_conf conf = {.path = p, .gid = (gid_t)-1, .ops = &none};
	struct mg_ctl_server *s = mg_ctl_server_start(&conf, err, sizeof(err));
	cr_assert_not_null(s, "%s", err);
	struct mg_ctl_conn c;
	json_t *d;
	cr_assert_eq(mg_ctl_connect(&c, p, 2000, err, sizeof(err)), MG_CTL_OK);
	cr_assert_eq(mg_ctl_request(&c, "status", NULL, 2000, &d, err, sizeof(err)), MG_CTL_REMOTE);
	cr_assert(strstr(err, "not supported"), "%s", err);
	cr_assert_eq(mg_ctl_request(&c, "ping", NULL, 2000, &d, err, sizeof(err)), MG_CTL_OK);
	json_decref(d);
	mg_ctl_close(&c);
	mg_ctl_server_stop(s);
	cr_assert_neq(access(p, F_OK), 0, "socket removed at stop");
}

Test(ctl_client, not_running_stale_and_timeout)
{
	struct mg_ctl_conn c;
	char p[108];
	/* no socket file */
	snprintf(p, sizeof(p), "/tmp/mg-ctl-absent-%d.sock", (int)getpid());
	cr_assert_eq(mg_ctl_connect(&c, p, 500, err, sizeof(err)), MG_CTL_NOT_RUNNING);
	cr_assert(strstr(err, "not running"), "%s", err);

	/* stale socket file: bound, then the "daemon" died */
	int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", p);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(fd);
	cr_assert_eq(mg_ctl_connect(&c, p, 500, err, sizeof(err)), MG_CTL_NOT_RUNNING);
	/* a server start claims the stale file */
	struct fake_state s0;
	fake_state_init(&s0);
	struct mg_ctl_server_conf conf = {.path = p, .gid = (gid_t)-1, .ops = &fake_ops, .ud = &s0};
	struct mg_ctl_server *s = mg_ctl_server_start(&conf, err, sizeof(err));
	cr_assert_not_null(s, "stale socket not reclaimed: %s", err);
	mg_ctl_server_stop(s);

	/* a daemon that listens but never answers: bounded wait */
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(fd, 4), 0);
	cr_assert_eq(mg_ctl_connect(&c, p, 500, err, sizeof(err)), MG_CTL_OK, "%s", err);
	json_t *d;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(mg_ctl_request(&c, "status", NULL, 300, &d, err, sizeof(err)), MG_CTL_TIMEOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cr_assert(strstr(err, "timed out"), "%s", err);
	/* generous upper bound: the wait is bounded, not a speed test */
	cr_assert_lt(t1.tv_sec - t0.tv_sec, 5);
	mg_ctl_close(&c);
	close(fd);
	unlink(p);
}

/* A peer that is neither root, the daemon's uid, nor in the socket's group:
 * the file mode stops it first (0600); with the mode opened up, the
 * SO_PEERCRED check still refuses it. Needs root to switch uid. */
Test(ctl, peer_credentials_checked)
{
	if (geteuid() != 0) {
		cr_log_warn("peer_credentials_checked: not root, cannot switch uid; skipped");
		return;
	}
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		struct mg_ctl_conn c;
		char e[256];
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(10);
		if (mg_ctl_connect(&c, sock_path, 1000, e, sizeof(e)) != MG_CTL_DENIED)
			_exit(11);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "mode 0600 did not stop uid 65534 (%d)",
		  WEXITSTATUS(st));

	char dir[108];
	snprintf(dir, sizeof(dir), "/tmp/mg-ctl-test-%d", (int)getpid());
	cr_assert_eq(chmod(dir, 0755), 0);
	cr_assert_eq(chmod(sock_path, 0666), 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		struct mg_ctl_conn c;
		json_t *d;
		char e[256];
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(10);
		if (mg_ctl_connect(&c, sock_path, 1000, e, sizeof(e)) != MG_CTL_OK)
			_exit(12);
		int rc = mg_ctl_request(&c, "status", NULL, 1000, &d, e, sizeof(e));
		if (rc == MG_CTL_OK)
			_exit(13); /* served: the credential check failed */
		_exit(rc == MG_CTL_REMOTE && strstr(e, "permission denied") ? 0 : 14);
	}
	waitpid(pid, &st, 0);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "uid 65534 was not refused (%d)",
		  WEXITSTATUS(st));
	struct mg_ctl_server_stats ss;
	mg_ctl_server_get_stats(srv, &ss);
	cr_assert_geq(ss.rejected_peers, 1);
}
