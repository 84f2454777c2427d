/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The daemon side of the control socket (wire format: ctlwire/ctl_proto.h).
 * One control thread, never a worker lcore, accepts connections on a Unix
 * SOCK_SEQPACKET socket, checks the peer's credentials (SO_PEERCRED: root,
 * the daemon's own uid, or the socket's group), validates each request and
 * dispatches it to an ops table the daemon fills. The server knows nothing
 * about DPDK or the dataplane's data structures: ops fill JSON objects, so
 * the server is unit-tested with a fake ops table and the daemon's ops
 * (dataplane/ctl_ops.c) read per-lcore counters without taking locks.
 *
 * Every op runs on the control thread, one request at a time, so ops need
 * no locking among themselves; they must never wait on a worker.
 */
#ifndef MG_CTL_SERVER_H
#define MG_CTL_SERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

/* Room for every diagnostic of a rejected policy load ("file:line:col:
 * error: msg" lines). Ops get at least this many bytes of err. */
#define MG_CTL_ERR_MAX 8192

/*
 * Operations. Each returns 0 and fills `out` (an empty JSON object the op
 * adds members to), or a negative value with a one-line message in err
 * (several lines for policy diagnostics). A NULL op is answered with
 * "unsupported". `out` is owned by the server.
 */
struct mg_ctl_ops {
	/* version, uptime, mode, ports, workers, policy {path, generation,
	 * loaded_at}, counts at a glance. */
	int (*status)(void *ud, json_t *out, char *err, size_t errlen);
	/* Counters summed over workers. */
	int (*stats)(void *ud, json_t *out, char *err, size_t errlen);
	/* Live associations, at most `limit`; set "truncated" when more. */
	int (*flows)(void *ud, unsigned limit, json_t *out, char *err, size_t errlen);
	/* Events with sequence number >= since (since < 0: the last `limit`
	 * events), at most `limit`, oldest first: {"events":[{"seq":N,...}],
	 * "next": the since of the following call, "missed": events no longer
	 * kept between since and the oldest returned}. */
	int (*events_since)(void *ud, int64_t since, unsigned limit, json_t *out, char *err,
			    size_t errlen);
	/* Compile + check path; on success swap it in and set *generation
	 * (the op may add details such as timings to out). On error nothing
	 * changes and err holds the diagnostics, one per line. */
	int (*policy_load)(void *ud, const char *path, json_t *out, char *err, size_t errlen,
			   uint64_t *generation);
	/* Running policy: {"path","generation","text" (normalized),
	 * "policy" (JSON form), "rules":[{"line","hits",...}]}. */
	int (*policy_show)(void *ud, json_t *out, char *err, size_t errlen);
	/* "enforce", "monitor", or "policy" (drop the override, follow the
	 * running policy's own mode); takes effect for new verdicts without
	 * a policy reload. The server validates the word. */
	int (*mode_set)(void *ud, const char *mode, char *err, size_t errlen);
	/* The counters in the Prometheus text format: {"text": "..."}. */
	int (*metrics)(void *ud, json_t *out, char *err, size_t errlen);
};

/* Optional thread factory: the daemon passes one that creates a DPDK
 * control thread (rte_ctrl_thread_create: affinity off the worker cores).
 * Same contract as pthread_create; NULL means plain pthread_create. */
typedef int (*mg_ctl_spawn_fn)(pthread_t *tid, const char *name, void *(*fn)(void *),
			       void *arg);

struct mg_ctl_server_conf {
	const char *path;          /* socket path (MG_CTL_DEFAULT_SOCKET if NULL) */
	gid_t gid;                 /* (gid_t)-1: mode 0600; else group-owned 0660 */
	const struct mg_ctl_ops *ops;
	void *ud;                  /* passed to every op */
	mg_ctl_spawn_fn spawn;     /* NULL: pthread_create */
	unsigned max_clients;      /* 0: 16 */
	unsigned idle_timeout_ms;  /* 0: 60000; idle clients are closed */
};

/* Counters of the control server itself (status shows them). */
struct mg_ctl_server_stats {
	uint64_t accepted, rejected_peers, requests, errors, too_big, dropped_clients;
};

struct mg_ctl_server;

/* Create the socket (its parent directory too, mode 0750, if missing),
 * refuse to steal a socket a live daemon serves, start the thread.
 * NULL with a one-line message in err on failure. */
struct mg_ctl_server *mg_ctl_server_start(const struct mg_ctl_server_conf *conf, char *err,
					  size_t errlen);
/* Stop the thread, close every client, unlink the socket. NULL is a no-op. */
void mg_ctl_server_stop(struct mg_ctl_server *s);
void mg_ctl_server_get_stats(const struct mg_ctl_server *s, struct mg_ctl_server_stats *st);

/* Handle one request datagram and return the response datagram (malloc'd,
 * *rlen bytes): what the thread does per message. Exposed for tests and
 * fuzzing; never fails (allocation failure yields a static error). */
char *mg_ctl_server_handle(struct mg_ctl_server *s, const void *req, size_t len,
			   size_t *rlen);

#endif
