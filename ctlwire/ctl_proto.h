/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The wire format of the control socket, shared by the daemon (dataplane/
 * ctl_server.c) and mmsgatectl (ctl/ctl_client.c). One AF_UNIX
 * SOCK_SEQPACKET connection carries any number of exchanges; each message
 * is exactly one datagram holding one UTF-8 JSON object (no NUL, no
 * newline framing: the kernel keeps message boundaries, so a truncated or
 * oversized message is detected, never half-read like a byte stream).
 *
 *   request:  {"v":1,"cmd":"status","args":{...}}        ("args" optional)
 *   response: {"v":1,"ok":true,"data":{...}}
 *             {"v":1,"ok":false,"error":"one line","code":"bad_request"}
 *
 * The version is checked on both sides: a request whose "v" differs from
 * MG_CTL_PROTO_VERSION is answered with code "bad_version" (and the
 * server's version in "v") so old clients fail with a clear message. New
 * commands and new keys may be added without bumping the version; readers
 * ignore keys they do not know. Removing or changing the meaning of a key
 * bumps it.
 */
#ifndef MG_CTL_PROTO_H
#define MG_CTL_PROTO_H

#include <stddef.h>

#include <jansson.h>

#define MG_CTL_PROTO_VERSION 1

/* Both `mmsgate -- --ctl-socket PATH` and `mmsgatectl --socket PATH`
 * default to this path; MMSGATE_SOCKET in the environment overrides the
 * client's default. */
#define MG_CTL_DEFAULT_SOCKET "/run/mmsgate/mmsgate.sock"
#define MG_CTL_SOCKET_ENV "MMSGATE_SOCKET"

/* Largest request the server accepts (a policy path and a few options). */
#define MG_CTL_MAX_REQUEST (16 * 1024)
/* Largest response: kept under the default net.core.wmem_max (212992) so
 * one SEQPACKET datagram always fits the socket buffer. Commands returning
 * lists (flows, events) take a "limit" and say "truncated":true. */
#define MG_CTL_MAX_RESPONSE (200 * 1024)

/* Default client timeout for one exchange (connect + send + receive).
 * policy load compiles a policy first, so it gets a longer one. */
#define MG_CTL_TIMEOUT_MS 5000
#define MG_CTL_LOAD_TIMEOUT_MS 60000

/* Error codes (the "code" member of a failed response). */
#define MG_CTL_E_BAD_REQUEST "bad_request"   /* not JSON, not an object, … */
#define MG_CTL_E_BAD_VERSION "bad_version"   /* "v" missing or different */
#define MG_CTL_E_TOO_BIG "too_big"           /* request over MG_CTL_MAX_REQUEST */
#define MG_CTL_E_UNKNOWN_CMD "unknown_command"
#define MG_CTL_E_BAD_ARGS "bad_args"
#define MG_CTL_E_FAILED "failed"             /* the command ran and failed */
#define MG_CTL_E_UNSUPPORTED "unsupported"   /* the daemon has no such op */

/* Commands (the "cmd" member). */
#define MG_CTL_CMD_PING "ping"
#define MG_CTL_CMD_STATUS "status"
#define MG_CTL_CMD_STATS "stats"
#define MG_CTL_CMD_FLOWS "flows"             /* args: {"limit":N} */
#define MG_CTL_CMD_EVENTS "events" /* args: {"since":SEQ (absent: the last ones),"limit":N} */
#define MG_CTL_CMD_POLICY_LOAD "policy_load" /* args: {"path":"/abs/file"} */
#define MG_CTL_CMD_POLICY_SHOW "policy_show"
#define MG_CTL_CMD_MODE "mode" /* args: {"mode":"enforce"|"monitor"|"policy"} */
#define MG_CTL_CMD_METRICS "metrics" /* {"text": Prometheus text format} */

/*
 * Parse one received message and check the envelope: a JSON object whose
 * "v" equals MG_CTL_PROTO_VERSION. Returns the object (caller json_decref)
 * or NULL with a one-line reason in err and the matching MG_CTL_E_* code in
 * *code. len bytes, not NUL-terminated; embedded NULs are rejected.
 */
json_t *mg_ctl_msg_parse(const void *buf, size_t len, const char **code, char *err,
			 size_t errlen);

/* Serialize msg compactly into a malloc'd buffer (caller free) of *len
 * bytes without a NUL terminator on the wire. NULL on allocation failure. */
char *mg_ctl_msg_dump(const json_t *msg, size_t *len);

#endif
