/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mg_ctl_fakesrv SOCKET: serve the fake ops table (fake_ops.h) on SOCKET
 * until SIGTERM/SIGINT, for the mmsgatectl CLI tests (tests/scripts/
 * ctl_cli.sh) that must run without DPDK.
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "fake_ops.h"

static volatile sig_atomic_t quit;
static void on_sig(int s)
{
	(void)s;
	quit = 1;
}

int main(int argc, char **argv)
{
	struct fake_state st;
	char err[256];

	if (argc != 2) {
		fprintf(stderr, "usage: mg_ctl_fakesrv SOCKET\n");
		return 2;
	}
	fake_state_init(&st);
	struct mg_ctl_server_conf conf = {.path = argv[1], .gid = (gid_t)-1, .ops = &fake_ops, .ud = &st};
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	struct mg_ctl_server *s = mg_ctl_server_start(&conf, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "mg_ctl_fakesrv: %s\n", err);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (!quit)
		pause();
	mg_ctl_server_stop(s);
	return 0;
}
