/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Client side of the control socket (wire format: ctl_proto.h): connect
 * with a deadline, one request/response exchange at a time, every wait
 * bounded so mmsgatectl never hangs on a stuck or absent daemon. The
 * subcommands use mg_ctl_call(), which turns every transport failure into
 * one clear line on stderr ("mmsgate is not running …") and exit status 1.
 */
#ifndef MG_CTL_CLIENT_H
#define MG_CTL_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <getopt.h>

#include <jansson.h>

struct mg_ctl_conn {
	int fd;
	char path[108];
};

/* Socket path used by the subcommands: the last mg_ctl_set_socket()
 * (mmsgatectl --socket PATH, or a subcommand's own --socket), else
 * $MMSGATE_SOCKET, else MG_CTL_DEFAULT_SOCKET. */
void mg_ctl_set_socket(const char *path);
const char *mg_ctl_socket(void);

/* Transport status of the low-level calls. */
enum mg_ctl_rc {
	MG_CTL_OK = 0,
	MG_CTL_NOT_RUNNING = -1, /* no socket file / nobody listening */
	MG_CTL_DENIED = -2,      /* permission denied on the socket */
	MG_CTL_TIMEOUT = -3,
	MG_CTL_IO = -4,          /* other socket errors, daemon hung up */
	MG_CTL_PROTO = -5,       /* the answer is not a valid response */
	MG_CTL_REMOTE = -6,      /* the daemon answered ok:false */
};

/* Connect within timeout_ms. err gets one line on failure. */
int mg_ctl_connect(struct mg_ctl_conn *c, const char *path, int timeout_ms, char *err,
		   size_t errlen);
/* Send raw bytes as one datagram and wait for one answer datagram; *resp
 * is malloc'd (caller free), NUL-terminated, *rlen bytes. For tests that
 * send hand-made (bad) requests. */
int mg_ctl_exchange_raw(struct mg_ctl_conn *c, const void *req, size_t len, int timeout_ms,
			char **resp, size_t *rlen, char *err, size_t errlen);
/* One command: builds {"v":1,"cmd":cmd,"args":args} (args borrowed, may be
 * NULL) and checks the envelope of the answer. On MG_CTL_OK *data is the
 * response's "data" (new reference). On MG_CTL_REMOTE err is the daemon's
 * message and *code (if non-NULL) its code (static string or "failed"). */
int mg_ctl_request(struct mg_ctl_conn *c, const char *cmd, json_t *args, int timeout_ms,
		   json_t **data, char *err, size_t errlen);
void mg_ctl_close(struct mg_ctl_conn *c);

/* For subcommands: connect to mg_ctl_socket(), run one command, print a
 * clear "mmsgatectl: …" line on any failure. Returns 0 (and *data) or the
 * exit status 1. */
int mg_ctl_call(const char *cmd, json_t *args, int timeout_ms, json_t **data);

/* Print a response's data as JSON on stdout (one line, or indented when
 * pretty), followed by a newline. */
void mg_ctl_print_json(const json_t *data, bool pretty);

/* ---- option handling shared by the online subcommands ------------------ */

/* Long options every online subcommand accepts (put first in its table). */
#define MG_CTL_COMMON_LONGOPTS                                                   \
	{"json", no_argument, NULL, 'j'}, {"pretty", no_argument, NULL, 'P'},        \
		{"socket", required_argument, NULL, 'S'},                              \
		{"timeout", required_argument, NULL, 'T'}, {"help", no_argument, NULL, 'h'}
#define MG_CTL_COMMON_SHORTOPTS ":jh"
#define MG_CTL_COMMON_HELP                                                                  \
	"  -j, --json          machine-readable JSON on stdout\n"                             \
	"      --pretty        indented JSON (implies --json)\n"                              \
	"      --socket PATH   control socket (default $MMSGATE_SOCKET or "                   \
	"/run/mmsgate/mmsgate.sock)\n"                                                         \
	"      --timeout MS    give up after MS milliseconds (default 5000)\n"                \
	"  -h, --help          this help\n"

struct mg_ctl_opts {
	bool json, pretty;
	int timeout_ms;
};

enum { MG_OPT_OTHER = 0, MG_OPT_DONE, MG_OPT_HELP, MG_OPT_BAD };

void mg_ctl_opts_init(struct mg_ctl_opts *o);
/* Handle one getopt_long result c for subcommand `cmd`. MG_OPT_DONE: a
 * common option, consumed; MG_OPT_HELP: print usage, exit 0; MG_OPT_BAD:
 * the problem was printed, print usage to stderr, exit 2; MG_OPT_OTHER:
 * the subcommand's own option. */
int mg_ctl_opt(int c, const char *arg, struct mg_ctl_opts *o, const char *cmd, char **argv);
/* The whole option loop of a subcommand that takes only the common
 * options: fills o and leaves optind at the first operand. Returns -1 when
 * the caller goes on, else its exit code (0 after --help, 2 after a bad
 * option, usage printed). */
int mg_ctl_parse_common(int argc, char **argv, const char *cmd, void (*usage)(FILE *),
			struct mg_ctl_opts *o);
/* Strictly parse a non-negative integer (whole string). 0 or -1. */
int mg_ctl_parse_uint(const char *s, unsigned long long max, unsigned long long *v);

#endif
