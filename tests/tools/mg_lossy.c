/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mg-lossy: loads lossy.bpf.o (deterministic loss of TCP/102 data
 * segments, see there) on one interface of the current network namespace
 * in native XDP mode, prints "lossy IF: attached", then waits for SIGTERM
 * or SIGINT; then prints "lossy IF: seen S dropped D" (data segments
 * looked at / dropped) and detaches. Used by tests/scripts/netns_tcp.sh,
 * one instance per direction and place (each load has its own counters).
 * Usage: mg-lossy OBJ IFACE EVERY BURST SKIP MAX MINLEN  (exit 77: cannot attach)
 */
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lossy.h"

static volatile sig_atomic_t done;

static void on_sig(int sig)
{
	(void)sig;
	done = 1;
}

int main(int argc, char **argv)
{
	if (argc != 8) {
		fprintf(stderr, "usage: mg-lossy OBJ IFACE EVERY BURST SKIP MAX MINLEN\n");
		return 2;
	}
	const char *ifn = argv[2];
	struct mg_lossy_cfg cfg = {.every = strtoull(argv[3], NULL, 0),
	                           .burst = strtoull(argv[4], NULL, 0),
	                           .skip = strtoull(argv[5], NULL, 0),
	                           .max = strtoull(argv[6], NULL, 0),
	                           .minlen = strtoull(argv[7], NULL, 0)};
	int ifindex = (int)if_nametoindex(ifn);
	if (ifindex == 0) {
		fprintf(stderr, "mg-lossy: %s: no such interface\n", ifn);
		return 2;
	}
	libbpf_set_print(NULL);
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (obj == NULL || bpf_object__load(obj) != 0) {
		fprintf(stderr, "mg-lossy: cannot load %s: %s\n", argv[1], strerror(errno));
		return 77;
	}
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, "mg_lossy");
	int cfd = bpf_object__find_map_fd_by_name(obj, "lossy_cfg");
	int kfd = bpf_object__find_map_fd_by_name(obj, "lossy_ctr");
	__u32 zero = 0;
	if (prog == NULL || cfd < 0 || kfd < 0 || bpf_map_update_elem(cfd, &zero, &cfg, 0) != 0) {
		fprintf(stderr, "mg-lossy: %s: bad object\n", argv[1]);
		return 1;
	}
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	if (bpf_xdp_attach(ifindex, bpf_program__fd(prog), XDP_FLAGS_DRV_MODE, NULL) != 0) {
		fprintf(stderr, "mg-lossy: %s: native XDP attach: %s\n", ifn, strerror(errno));
		return 77;
	}
	printf("lossy %s: attached\n", ifn);
	fflush(stdout);
	while (!done)
		pause();
	struct mg_lossy_ctr k = {0};
	bpf_map_lookup_elem(kfd, &zero, &k);
	bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	printf("lossy %s: seen %llu dropped %llu\n", ifn, (unsigned long long)k.seen,
	       (unsigned long long)k.dropped);
	bpf_object__close(obj);
	return 0;
}
