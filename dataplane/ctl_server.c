/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control socket server (ctl_server.h). One thread polls the listening
 * socket, a stop pipe and up to max_clients connections; each readable
 * connection yields exactly one request datagram, answered synchronously
 * with one response datagram. Nothing here touches the dataplane: the ops
 * do, and they read per-lcore state without locks. Hostile input (garbage,
 * truncated JSON, oversized datagrams, wrong versions, unknown commands,
 * bad arguments) is answered with an error and the connection stays
 * usable; only peers that fail the credential check, stall a send for more
 * than a second, or stay idle past the timeout are disconnected.
 */
#define _GNU_SOURCE /* accept4, pipe2, struct ucred */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl_proto.h"
#include "ctl_server.h"

#define MG_CTL_DEFAULT_MAX_CLIENTS 16
#define MG_CTL_DEFAULT_IDLE_MS 60000
#define MG_CTL_SEND_TIMEOUT_MS 1000

struct ctl_client {
	int fd;
	uint64_t last_ms;
};

struct mg_ctl_server {
	struct mg_ctl_server_conf conf;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int lfd;
	int stop_pipe[2];
	pthread_t tid;
	bool running;
	struct ctl_client *clients;
	unsigned nclients;
	uint8_t *rbuf; /* MG_CTL_MAX_REQUEST + 1 */
	struct mg_ctl_server_stats st;
	char *err;     /* MG_CTL_ERR_MAX, reused by every op */
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- responses ---------------------------------------------------------- */

static const char oom_response[] =
	"{\"v\":1,\"ok\":false,\"error\":\"out of memory\",\"code\":\"failed\"}";

static char *dup_static(const char *s, size_t *rlen)
{
	char *r = strdup(s);
	*rlen = r ? strlen(r) : 0;
	return r;
}

static char *dump_or_oom(json_t *m, size_t *rlen)
{
	char *s = m ? mg_ctl_msg_dump(m, rlen) : NULL;
	json_decref(m);
	return s ? s : dup_static(oom_response, rlen);
}

static char *error_response(struct mg_ctl_server *s, const char *code, const char *msg,
			    size_t *rlen)
{
	s->st.errors++;
	json_t *m = json_pack("{s:i,s:b,s:s,s:s}", "v", MG_CTL_PROTO_VERSION, "ok", 0, "error",
			      msg && *msg ? msg : "unknown error", "code", code);
	return dump_or_oom(m, rlen);
}

/* ---- argument helpers -------------------------------------------------- */

/* args[key] as an integer in [lo, hi], def when absent. -1 when present but
 * wrong (message in err). */
static int arg_uint(const json_t *args, const char *key, uint64_t lo, uint64_t hi, uint64_t def,
		    uint64_t *v, char *err, size_t errlen)
{
	json_t *j = args ? json_object_get(args, key) : NULL;
	if (!j) {
		*v = def;
		return 0;
	}
	if (!json_is_integer(j) || json_integer_value(j) < 0 ||
	    (uint64_t)json_integer_value(j) < lo || (uint64_t)json_integer_value(j) > hi) {
		snprintf(err, errlen, "argument \"%s\" must be an integer in [%llu, %llu]", key,
			 (unsigned long long)lo, (unsigned long long)hi);
		return -1;
	}
	*v = (uint64_t)json_integer_value(j);
	return 0;
}

/* ---- dispatch ---------------------------------------------------------- */

enum { LIST_NONE, LIST_FLOWS, LIST_EVENTS };

/* Run one command into data; returns NULL on success or an error code
 * with the message in s->err. */
static const char *run_cmd(struct mg_ctl_server *s, const char *cmd, const json_t *args,
			   json_t *data, int *list_kind)
{
	const struct mg_ctl_ops *ops = s->conf.ops;
	void *ud = s->conf.ud;
	char *err = s->err;
	size_t el = MG_CTL_ERR_MAX;
	int rc;

	err[0] = '\0';
	*list_kind = LIST_NONE;
	if (!strcmp(cmd, MG_CTL_CMD_PING)) {
		json_object_set_new(data, "pong", json_true());
		json_object_set_new(data, "proto", json_integer(MG_CTL_PROTO_VERSION));
		return NULL;
	}
	if (!strcmp(cmd, MG_CTL_CMD_STATUS)) {
		if (!ops->status)
			goto unsupported;
		rc = ops->status(ud, data, err, el);
	} else if (!strcmp(cmd, MG_CTL_CMD_STATS)) {
		if (!ops->stats)
			goto unsupported;
		rc = ops->stats(ud, data, err, el);
	} else if (!strcmp(cmd, MG_CTL_CMD_FLOWS)) {
		uint64_t limit;
		if (!ops->flows)
			goto unsupported;
		if (arg_uint(args, "limit", 1, 1000000, 1000, &limit, err, el))
			return MG_CTL_E_BAD_ARGS;
		*list_kind = LIST_FLOWS;
		rc = ops->flows(ud, (unsigned)limit, data, err, el);
	} else if (!strcmp(cmd, MG_CTL_CMD_EVENTS)) {
		uint64_t since, limit;
		bool tail = !args || !json_object_get(args, "since");
		if (!ops->events_since)
			goto unsupported;
		if (arg_uint(args, "since", 0, (uint64_t)INT64_MAX, 0, &since, err, el) ||
		    arg_uint(args, "limit", 1, 100000, 1000, &limit, err, el))
			return MG_CTL_E_BAD_ARGS;
		*list_kind = LIST_EVENTS;
		rc = ops->events_since(ud, tail ? -1 : (int64_t)since, (unsigned)limit, data, err,
				       el);
	} else if (!strcmp(cmd, MG_CTL_CMD_POLICY_LOAD)) {
		json_t *p = args ? json_object_get(args, "path") : NULL;
		const char *path = json_string_value(p);
		uint64_t gen = 0;
		if (!ops->policy_load)
			goto unsupported;
		if (!path || path[0] != '/' || strlen(path) >= PATH_MAX) {
			snprintf(err, el, "argument \"path\" must be an absolute file path");
			return MG_CTL_E_BAD_ARGS;
		}
		rc = ops->policy_load(ud, path, data, err, el, &gen);
		if (rc == 0) {
			json_object_set_new(data, "generation", json_integer((json_int_t)gen));
			json_object_set_new(data, "path", json_string(path));
		}
	} else if (!strcmp(cmd, MG_CTL_CMD_POLICY_SHOW)) {
		if (!ops->policy_show)
			goto unsupported;
		rc = ops->policy_show(ud, data, err, el);
	} else if (!strcmp(cmd, MG_CTL_CMD_MODE)) {
		const char *m = json_string_value(args ? json_object_get(args, "mode") : NULL);
		if (!ops->mode_set)
			goto unsupported;
		if (!m || (strcmp(m, "enforce") && strcmp(m, "monitor") && strcmp(m, "policy"))) {
			snprintf(err, el, "argument \"mode\" must be \"enforce\", \"monitor\" "
					  "or \"policy\"");
			return MG_CTL_E_BAD_ARGS;
		}
		rc = ops->mode_set(ud, m, err, el);
		if (rc == 0)
			json_object_set_new(data, "mode", json_string(m));
	} else if (!strcmp(cmd, MG_CTL_CMD_METRICS)) {
		if (!ops->metrics)
			goto unsupported;
		rc = ops->metrics(ud, data, err, el);
	} else {
		snprintf(err, el, "unknown command \"%.64s\"", cmd);
		return MG_CTL_E_UNKNOWN_CMD;
	}
	if (rc != 0) {
		if (!err[0])
			snprintf(err, el, "%s failed (%d)", cmd, rc);
		return MG_CTL_E_FAILED;
	}
	return NULL;
unsupported:
	snprintf(err, el, "command \"%s\" is not supported by this daemon", cmd);
	return MG_CTL_E_UNSUPPORTED;
}

char *mg_ctl_server_handle(struct mg_ctl_server *s, const void *req, size_t len, size_t *rlen)
{
	const char *code;
	char perr[256];
	json_t *m, *args, *data;
	const char *cmd;
	int list_kind;
	unsigned attempts = 0;

	s->st.requests++;
	if (len > MG_CTL_MAX_REQUEST) {
		s->st.too_big++;
		snprintf(perr, sizeof(perr), "request of %zu bytes is over the %d-byte limit", len,
			 MG_CTL_MAX_REQUEST);
		return error_response(s, MG_CTL_E_TOO_BIG, perr, rlen);
	}
	m = mg_ctl_msg_parse(req, len, &code, perr, sizeof(perr));
	if (!m)
		return error_response(s, code, perr, rlen);
	cmd = json_string_value(json_object_get(m, "cmd"));
	args = json_object_get(m, "args");
	if (!cmd) {
		json_decref(m);
		return error_response(s, MG_CTL_E_BAD_REQUEST, "missing string member \"cmd\"",
				      rlen);
	}
	if (args && !json_is_object(args) && !json_is_null(args)) {
		json_decref(m);
		return error_response(s, MG_CTL_E_BAD_ARGS, "\"args\" must be an object", rlen);
	}
	if (json_is_null(args))
		args = NULL;

	for (;;) {
		data = json_object();
		if (!data) {
			json_decref(m);
			return dup_static(oom_response, rlen);
		}
		code = run_cmd(s, cmd, args, data, &list_kind);
		if (code) {
			json_decref(data);
			char *r = error_response(s, code, s->err, rlen);
			json_decref(m);
			return r;
		}
		json_t *resp = json_pack("{s:i,s:b,s:o}", "v", MG_CTL_PROTO_VERSION, "ok", 1,
					 "data", data);
		char *out = resp ? mg_ctl_msg_dump(resp, rlen) : NULL;
		json_decref(resp);
		if (!out) {
			json_decref(m);
			return dup_static(oom_response, rlen);
		}
		if (*rlen <= MG_CTL_MAX_RESPONSE) {
			json_decref(m);
			return out;
		}
		/* Too big for one datagram: lists are retried with half the
		 * limit (the op marks the answer truncated); anything else is
		 * an error rather than a half message. */
		free(out);
		json_int_t lim = json_integer_value(json_object_get(args, "limit"));
		if (lim <= 0)
			lim = 1000;
		if (list_kind == LIST_NONE || lim <= 1 || ++attempts > 20) {
			json_decref(m);
			return error_response(s, MG_CTL_E_FAILED,
					      "response too large for one message; ask for less",
					      rlen);
		}
		/* m is our own parse tree: args can be edited in place. */
		if (!args) {
			args = json_object();
			if (!args || json_object_set_new(m, "args", args)) {
				json_decref(m);
				return dup_static(oom_response, rlen);
			}
		}
		json_object_set_new(args, "limit", json_integer(lim / 2));
	}
}

/* ---- socket plumbing ---------------------------------------------------- */

static void close_client(struct mg_ctl_server *s, unsigned i)
{
	close(s->clients[i].fd);
	s->clients[i] = s->clients[--s->nclients];
}

/* root, our own uid, or (when the socket is group-owned) the group. */
static bool peer_allowed(const struct mg_ctl_server *s, int fd)
{
	struct ucred uc;
	socklen_t sl = sizeof(uc);
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &sl) != 0)
		return false;
	if (uc.uid == 0 || uc.uid == geteuid())
		return true;
	return s->conf.gid != (gid_t)-1 && uc.gid == s->conf.gid;
}

static void accept_one(struct mg_ctl_server *s)
{
	int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	s->st.accepted++;
	if (!peer_allowed(s, fd)) {
		static const char deny[] = "{\"v\":1,\"ok\":false,\"error\":\"permission denied "
					   "(peer credentials)\",\"code\":\"failed\"}";
		s->st.rejected_peers++;
		(void)!send(fd, deny, sizeof(deny) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		return;
	}
	if (s->nclients >= s->conf.max_clients) {
		static const char busy[] = "{\"v\":1,\"ok\":false,\"error\":\"too many control "
					   "clients\",\"code\":\"failed\"}";
		s->st.dropped_clients++;
		(void)!send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		return;
	}
	/* Large enough for the biggest response in one datagram. */
	int sz = 2 * MG_CTL_MAX_RESPONSE;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	s->clients[s->nclients].fd = fd;
	s->clients[s->nclients].last_ms = now_ms();
	s->nclients++;
}

/* Send one datagram, waiting at most MG_CTL_SEND_TIMEOUT_MS for room. */
static int send_dgram(int fd, const char *buf, size_t len)
{
	uint64_t deadline = now_ms() + MG_CTL_SEND_TIMEOUT_MS;
	for (;;) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n == (ssize_t)len)
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			uint64_t t = now_ms();
			if (t >= deadline)
				return -1;
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			(void)poll(&p, 1, (int)(deadline - t));
			continue;
		}
		return -1;
	}
}

/* Returns false when the client must be closed. */
static bool serve_one(struct mg_ctl_server *s, unsigned i)
{
	struct ctl_client *c = &s->clients[i];
	struct iovec iov = {.iov_base = s->rbuf, .iov_len = MG_CTL_MAX_REQUEST + 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n = recvmsg(c->fd, &mh, MSG_TRUNC | MSG_DONTWAIT);
	size_t rlen;
	char *resp;

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
	if (n == 0)
		return false; /* orderly shutdown (SEQPACKET EOF) */
	c->last_ms = now_ms();
	/* With MSG_TRUNC n is the datagram's real size even when it did not
	 * fit: oversized requests are reported as such, not parsed half. */
	if ((mh.msg_flags & MSG_TRUNC) || (size_t)n > MG_CTL_MAX_REQUEST) {
		char perr[128];
		s->st.requests++;
		s->st.too_big++;
		snprintf(perr, sizeof(perr), "request of %zd bytes is over the %d-byte limit", n,
			 MG_CTL_MAX_REQUEST);
		resp = error_response(s, MG_CTL_E_TOO_BIG, perr, &rlen);
	} else {
		resp = mg_ctl_server_handle(s, s->rbuf, (size_t)n, &rlen);
	}
	if (!resp)
		return false;
	int rc = send_dgram(c->fd, resp, rlen);
	free(resp);
	if (rc != 0) {
		s->st.dropped_clients++;
		return false;
	}
	return true;
}

static void *server_main(void *arg)
{
	struct mg_ctl_server *s = arg;
	sigset_t all;
	struct pollfd *pf;

	/* Signals belong to the daemon's main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);

	pf = calloc(s->conf.max_clients + 2, sizeof(*pf));
	if (!pf)
		return NULL;
	for (;;) {
		unsigned n = 0, nc = s->nclients;
		pf[n++] = (struct pollfd){.fd = s->stop_pipe[0], .events = POLLIN};
		pf[n++] = (struct pollfd){.fd = s->lfd, .events = POLLIN};
		for (unsigned i = 0; i < nc; i++)
			pf[n++] = (struct pollfd){.fd = s->clients[i].fd, .events = POLLIN};
		int r = poll(pf, n, 1000);
		if (r < 0 && errno != EINTR)
			break;
		if (pf[0].revents)
			break;
		/* Clients first (indices match pf[2..]); walk backwards so
		 * close_client's swap-with-last does not skip anyone. */
		for (unsigned i = nc; i-- > 0;) {
			short ev = pf[2 + i].revents;
			bool keep = true;
			if (ev & POLLIN)
				keep = serve_one(s, i);
			else if (ev & (POLLHUP | POLLERR | POLLNVAL))
				keep = false;
			else if (now_ms() - s->clients[i].last_ms > s->conf.idle_timeout_ms)
				keep = false;
			if (!keep)
				close_client(s, i);
		}
		if (pf[1].revents & POLLIN)
			accept_one(s);
	}
	free(pf);
	return NULL;
}

/* A socket file at path that nobody answers on is stale (daemon killed):
 * remove it. One somebody answers on belongs to a running daemon. */
static int claim_path(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (lstat(path, &st) != 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "control socket %s: exists and is not a socket", path);
		return -1;
	}
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	memcpy(sa.sun_path, path, strlen(path) + 1);
	int rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
	if (rc == 0) {
		snprintf(err, errlen, "control socket %s: another mmsgate is serving it", path);
		return -1;
	}
	if (unlink(path) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "control socket %s: cannot remove stale socket: %s", path,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* mkdir the socket's parent directory if it is missing (one level, like
 * systemd's RuntimeDirectory=). */
static void make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	(void)mkdir(dir, 0750);
}

struct mg_ctl_server *mg_ctl_server_start(const struct mg_ctl_server_conf *conf, char *err,
					  size_t errlen)
{
	struct mg_ctl_server *s;
	const char *path = conf->path ? conf->path : MG_CTL_DEFAULT_SOCKET;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	if (!conf->ops) {
		snprintf(err, errlen, "control server: no ops table");
		return NULL;
	}
	if (strlen(path) == 0 || strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control socket path '%s' is empty or longer than %zu bytes",
			 path, sizeof(sa.sun_path) - 1);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(err, errlen, "control server: out of memory");
		return NULL;
	}
	s->conf = *conf;
	if (!s->conf.max_clients)
		s->conf.max_clients = MG_CTL_DEFAULT_MAX_CLIENTS;
	if (!s->conf.idle_timeout_ms)
		s->conf.idle_timeout_ms = MG_CTL_DEFAULT_IDLE_MS;
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->conf.path = s->path;
	s->lfd = -1;
	s->stop_pipe[0] = s->stop_pipe[1] = -1;
	s->clients = calloc(s->conf.max_clients, sizeof(*s->clients));
	s->rbuf = malloc(MG_CTL_MAX_REQUEST + 1);
	s->err = malloc(MG_CTL_ERR_MAX);
	if (!s->clients || !s->rbuf || !s->err) {
		snprintf(err, errlen, "control server: out of memory");
		goto fail;
	}

	make_parent(path);
	if (claim_path(path, err, errlen))
		goto fail;
	s->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->lfd < 0) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		goto fail;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		snprintf(err, errlen, "control socket %s: bind: %s", path, strerror(errno));
		goto fail;
	}
	/* chmod after bind: the window is harmless because every peer's
	 * credentials are checked on accept anyway. */
	if (s->conf.gid != (gid_t)-1) {
		if (chown(path, (uid_t)-1, s->conf.gid) != 0 || chmod(path, 0660) != 0) {
			snprintf(err, errlen, "control socket %s: chown/chmod: %s", path,
				 strerror(errno));
			goto fail_unlink;
		}
	} else if (chmod(path, 0600) != 0) {
		snprintf(err, errlen, "control socket %s: chmod: %s", path, strerror(errno));
		goto fail_unlink;
	}
	if (listen(s->lfd, 16) != 0) {
		snprintf(err, errlen, "control socket %s: listen: %s", path, strerror(errno));
		goto fail_unlink;
	}
	if (pipe2(s->stop_pipe, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "control server: pipe: %s", strerror(errno));
		goto fail_unlink;
	}
	int rc = s->conf.spawn ? s->conf.spawn(&s->tid, "mg-ctl", server_main, s)
			       : pthread_create(&s->tid, NULL, server_main, s);
	if (rc != 0) {
		snprintf(err, errlen, "control server: cannot start thread: %s",
			 strerror(rc < 0 ? -rc : rc));
		goto fail_unlink;
	}
	s->running = true;
	return s;

fail_unlink:
	unlink(path);
fail:
	if (s->lfd >= 0)
		close(s->lfd);
	if (s->stop_pipe[0] >= 0) {
		close(s->stop_pipe[0]);
		close(s->stop_pipe[1]);
	}
	free(s->clients);
	free(s->rbuf);
	free(s->err);
	free(s);
	return NULL;
}

void mg_ctl_server_stop(struct mg_ctl_server *s)
{
	if (!s)
		return;
	if (s->running) {
		(void)!write(s->stop_pipe[1], "x", 1);
		pthread_join(s->tid, NULL);
	}
	while (s->nclients)
		close_client(s, s->nclients - 1);
	close(s->lfd);
	unlink(s->path);
	close(s->stop_pipe[0]);
	close(s->stop_pipe[1]);
	free(s->clients);
	free(s->rbuf);
	free(s->err);
	free(s);
}

void mg_ctl_server_get_stats(const struct mg_ctl_server *s, struct mg_ctl_server_stats *st)
{
	/* Plain reads of counters the control thread writes: approximate
	 * while it runs, which is all status needs. */
	*st = s->st;
}
