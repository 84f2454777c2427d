/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control socket client (ctl_client.h). Non-blocking socket, every step
 * (connect, send, receive) waits with poll() against one deadline, so a
 * daemon that accepts but never answers costs at most the timeout. Errors
 * are mapped to the few situations an operator can act on: not running,
 * permission denied, timed out, protocol mismatch.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ctl_client.h"
#include "ctl_proto.h"

static const char *socket_path;

void mg_ctl_set_socket(const char *path)
{
	socket_path = path;
}

const char *mg_ctl_socket(void)
{
	const char *e;
	if (socket_path && *socket_path)
		return socket_path;
	e = getenv(MG_CTL_SOCKET_ENV);
	if (e && *e)
		return e;
	return MG_CTL_DEFAULT_SOCKET;
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int wait_fd(int fd, short ev, long long deadline)
{
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0)
			return MG_CTL_TIMEOUT;
		struct pollfd p = {.fd = fd, .events = ev};
		int r = poll(&p, 1, left > 1000000 ? 1000000 : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return MG_CTL_IO;
		if (r == 0)
			return MG_CTL_TIMEOUT;
		if (p.revents & ev)
			return MG_CTL_OK;
		if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
			return MG_CTL_IO;
	}
}

int mg_ctl_connect(struct mg_ctl_conn *c, const char *path, int timeout_ms, char *err,
		   size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	long long deadline = now_ms() + timeout_ms;

	c->fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path) || strlen(path) >= sizeof(c->path)) {
		snprintf(err, errlen, "socket path '%s' is too long", path);
		return MG_CTL_IO;
	}
	snprintf(c->path, sizeof(c->path), "%s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	for (;;) {
		c->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (c->fd < 0) {
			snprintf(err, errlen, "socket: %s", strerror(errno));
			return MG_CTL_IO;
		}
		if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return MG_CTL_OK;
		int e = errno;
		if (e == EINPROGRESS) {
			int rc = wait_fd(c->fd, POLLOUT, deadline);
			if (rc == MG_CTL_OK)
				return MG_CTL_OK;
			e = rc == MG_CTL_TIMEOUT ? ETIMEDOUT : ECONNREFUSED;
		}
		close(c->fd);
		c->fd = -1;
		switch (e) {
		case ENOENT:
		case ENOTDIR:
			snprintf(err, errlen, "mmsgate is not running (no control socket at %s)", path);
			return MG_CTL_NOT_RUNNING;
		case ECONNREFUSED:
			snprintf(err, errlen,
				 "mmsgate is not running (nobody listens on %s; stale socket?)", path);
			return MG_CTL_NOT_RUNNING;
		case EACCES:
		case EPERM:
			snprintf(err, errlen,
				 "permission denied on %s (run as root or as a member of the "
				 "socket's group)",
				 path);
			return MG_CTL_DENIED;
		case EAGAIN:
			/* Listen backlog full: the daemon is busy; retry. */
			if (now_ms() < deadline) {
				usleep(10000);
				continue;
			}
			/* fall through */
		case ETIMEDOUT:
			snprintf(err, errlen, "timed out connecting to mmsgate at %s", path);
			return MG_CTL_TIMEOUT;
		default:
			snprintf(err, errlen, "cannot connect to mmsgate at %s: %s", path, strerror(e));
			return MG_CTL_IO;
		}
	}
}

void mg_ctl_close(struct mg_ctl_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int mg_ctl_exchange_raw(struct mg_ctl_conn *c, const void *req, size_t len, int timeout_ms,
			char **resp, size_t *rlen, char *err, size_t errlen)
{
	long long deadline = now_ms() + timeout_ms;
	int rc;
	char *buf;

	*resp = NULL;
	*rlen = 0;
	for (;;) {
		ssize_t n = send(c->fd, req, len, MSG_NOSIGNAL);
		if (n == (ssize_t)len)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			rc = wait_fd(c->fd, POLLOUT, deadline);
			if (rc == MG_CTL_OK)
				continue;
			snprintf(err, errlen, rc == MG_CTL_TIMEOUT
						      ? "timed out sending to mmsgate at %s"
						      : "mmsgate at %s closed the connection",
				 c->path);
			return rc;
		}
		int e = errno;
		/* The daemon may have refused us with an explanation and hung
		 * up (peer credentials, too many clients): show that. */
		if (n < 0 && (e == EPIPE || e == ECONNRESET)) {
			char *buf = malloc(MG_CTL_MAX_RESPONSE + 2);
			ssize_t r = -1;
			/* A pending socket error (ECONNRESET) is reported once,
			 * before the queued datagram. */
			for (int k = 0; buf && k < 3 && r < 0; k++)
				r = recv(c->fd, buf, MG_CTL_MAX_RESPONSE + 1, MSG_DONTWAIT);
			if (r > 0 && r <= MG_CTL_MAX_RESPONSE) {
				buf[r] = '\0';
				*resp = buf;
				*rlen = (size_t)r;
				return MG_CTL_OK;
			}
			free(buf);
		}
		snprintf(err, errlen, "cannot send to mmsgate at %s: %s", c->path,
			 n < 0 ? strerror(e) : "short send");
		return MG_CTL_IO;
	}
	int resets = 0;
	buf = malloc(MG_CTL_MAX_RESPONSE + 2);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return MG_CTL_IO;
	}
	for (;;) {
		rc = wait_fd(c->fd, POLLIN, deadline);
		if (rc != MG_CTL_OK) {
			free(buf);
			snprintf(err, errlen, rc == MG_CTL_TIMEOUT
						      ? "timed out after %d ms waiting for mmsgate at %s"
						      : "mmsgate closed the connection (%d ms, %s)",
				 timeout_ms, c->path);
			return rc;
		}
		struct iovec iov = {.iov_base = buf, .iov_len = MG_CTL_MAX_RESPONSE + 1};
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
		ssize_t n = recvmsg(c->fd, &mh, MSG_TRUNC | MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		/* The daemon answered and hung up while our request was still
		 * queued: the reset is reported once, the answer is still
		 * there to read. */
		if (n < 0 && errno == ECONNRESET && resets++ < 2)
			continue;
		if (n <= 0) {
			free(buf);
			snprintf(err, errlen, "mmsgate at %s closed the connection without answering",
				 c->path);
			return MG_CTL_IO;
		}
		if ((mh.msg_flags & MSG_TRUNC) || n > MG_CTL_MAX_RESPONSE) {
			free(buf);
			snprintf(err, errlen, "response from mmsgate is over %d bytes",
				 MG_CTL_MAX_RESPONSE);
			return MG_CTL_PROTO;
		}
		buf[n] = '\0';
		*resp = buf;
		*rlen = (size_t)n;
		return MG_CTL_OK;
	}
}

int mg_ctl_request(struct mg_ctl_conn *c, const char *cmd, json_t *args, int timeout_ms,
		   json_t **data, char *err, size_t errlen)
{
	json_t *req, *resp;
	char *out, *in;
	size_t olen, ilen;
	const char *code;
	int rc;

	*data = NULL;
	req = json_pack("{s:i,s:s}", "v", MG_CTL_PROTO_VERSION, "cmd", cmd);
	if (req && args)
		json_object_set(req, "args", args);
	out = req ? mg_ctl_msg_dump(req, &olen) : NULL;
	json_decref(req);
	if (!out) {
		snprintf(err, errlen, "out of memory");
		return MG_CTL_IO;
	}
	rc = mg_ctl_exchange_raw(c, out, olen, timeout_ms, &in, &ilen, err, errlen);
	free(out);
	if (rc != MG_CTL_OK)
		return rc;
	char perr[200];
	resp = mg_ctl_msg_parse(in, ilen, &code, perr, sizeof(perr));
	free(in);
	if (!resp) {
		snprintf(err, errlen, "bad response from mmsgate: %s", perr);
		return MG_CTL_PROTO;
	}
	json_t *ok = json_object_get(resp, "ok");
	if (!json_is_boolean(ok)) {
		snprintf(err, errlen, "bad response from mmsgate: no \"ok\" member");
		json_decref(resp);
		return MG_CTL_PROTO;
	}
	if (!json_is_true(ok)) {
		const char *m = json_string_value(json_object_get(resp, "error"));
		snprintf(err, errlen, "%s", m ? m : "mmsgate reported an unspecified error");
		json_decref(resp);
		return MG_CTL_REMOTE;
	}
	*data = json_object_get(resp, "data");
	if (!*data)
		*data = json_object();
	else
		json_incref(*data);
	json_decref(resp);
	return MG_CTL_OK;
}

int mg_ctl_call(const char *cmd, json_t *args, int timeout_ms, json_t **data)
{
	struct mg_ctl_conn c;
	char err[MG_CTL_MAX_RESPONSE < 16384 ? MG_CTL_MAX_RESPONSE : 16384];
	int rc = mg_ctl_connect(&c, mg_ctl_socket(), timeout_ms, err, sizeof(err));
	if (rc == MG_CTL_OK) {
		rc = mg_ctl_request(&c, cmd, args, timeout_ms, data, err, sizeof(err));
		mg_ctl_close(&c);
	}
	if (rc == MG_CTL_OK)
		return 0;
	/* Multi-line errors (policy diagnostics) print as they are. */
	if (rc == MG_CTL_REMOTE && strchr(err, '\n'))
		fprintf(stderr, "%s%s", err, err[strlen(err) - 1] == '\n' ? "" : "\n");
	else
		fprintf(stderr, "mmsgatectl: %s\n", err);
	return 1;
}

void mg_ctl_print_json(const json_t *data, bool pretty)
{
	char *s = json_dumps(data, pretty ? JSON_INDENT(2) | JSON_PRESERVE_ORDER
					  : JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
		free(s);
	}
	fflush(stdout);
}

/* ---- option handling ---------------------------------------------------- */

void mg_ctl_opts_init(struct mg_ctl_opts *o)
{
	o->json = false;
	o->pretty = false;
	o->timeout_ms = MG_CTL_TIMEOUT_MS;
}

int mg_ctl_parse_common(int argc, char **argv, const char *cmd, void (*usage)(FILE *),
			struct mg_ctl_opts *o)
{
	static const struct option lo[] = {MG_CTL_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
	int c;

	mg_ctl_opts_init(o);
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, MG_CTL_COMMON_SHORTOPTS, lo, NULL)) != -1) {
		switch (mg_ctl_opt(c, optarg, o, cmd, argv)) {
		case MG_OPT_DONE:
			continue;
		case MG_OPT_HELP:
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	return -1;
}

int mg_ctl_parse_uint(const char *s, unsigned long long max, unsigned long long *v)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || *end || x > max)
		return -1;
	*v = x;
	return 0;
}

int mg_ctl_opt(int c, const char *arg, struct mg_ctl_opts *o, const char *cmd, char **argv)
{
	unsigned long long v;
	switch (c) {
	case 'j':
		o->json = true;
		return MG_OPT_DONE;
	case 'P':
		o->json = o->pretty = true;
		return MG_OPT_DONE;
	case 'S':
		mg_ctl_set_socket(arg);
		return MG_OPT_DONE;
	case 'T':
		if (mg_ctl_parse_uint(arg, 3600000, &v) || v == 0) {
			fprintf(stderr, "mmsgatectl %s: --timeout wants milliseconds (1..3600000), not '%s'\n",
				cmd, arg);
			return MG_OPT_BAD;
		}
		o->timeout_ms = (int)v;
		return MG_OPT_DONE;
	case 'h':
		return MG_OPT_HELP;
	case ':':
		fprintf(stderr, "mmsgatectl %s: option '%s' needs an argument\n", cmd,
			argv[optind - 1]);
		return MG_OPT_BAD;
	case '?':
		if (optopt)
			fprintf(stderr, "mmsgatectl %s: unknown option '-%c'\n", cmd, optopt);
		else
			fprintf(stderr, "mmsgatectl %s: unknown option '%s'\n", cmd, argv[optind - 1]);
		return MG_OPT_BAD;
	default:
		return MG_OPT_OTHER;
	}
}
