/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `mmsgatectl xdp …`: the front end of XDP mode (ebpf/, library mgxdp).
 *   xdp attach --policy FILE --inside IF --outside IF [--mode native|skb]
 *              [--no-xsk peer|pass|drop] [--stateless] [--pin DIR]
 *   xdp detach [--pin DIR] IF…
 *   xdp status [--json] [--pin DIR] [IF…]
 *   xdp reload --policy FILE [--no-xsk peer|pass|drop] [--pin DIR]
 *   xdp reload --policy FILE --iface IF [--peer IF2]   (program loaded by
 *              someone else, e.g. DPDK net_af_xdp with xdp_prog=)
 *   xdp status --iface IF [--json]
 * The program and its maps stay pinned under DIR (default
 * /sys/fs/bpf/mmsgate) between invocations; reload swaps the whole policy
 * atomically (generation flip). Built as a stub when MG_EBPF is off.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mg_xdp_cli.h"

#ifdef MG_HAVE_XDP
#include "mg_policy.h"
#include "mg_policy_export.h"
#include "mg_xdp.h"

static void xdp_usage_to(FILE *f)
{
	fprintf(f,
		"usage: mmsgatectl xdp attach --policy FILE --inside IF --outside IF\n"
		"                         [--mode native|skb] [--no-xsk peer|pass|drop] [--stateless]\n"
		"                         [--pin DIR]\n"
		"       mmsgatectl xdp detach [--pin DIR] IF...\n"
		"       mmsgatectl xdp status [--json] [--pin DIR] [IF...]\n"
		"       mmsgatectl xdp reload --policy FILE [--no-xsk peer|pass|drop] [--pin DIR]\n"
		"       mmsgatectl xdp reload --policy FILE --iface IF [--peer IF2] [--no-xsk ...]\n"
		"       mmsgatectl xdp status --iface IF [--json]\n"
		"--iface: the mmsgate program attached to IF by another loader (DPDK net_af_xdp\n"
		"         with xdp_prog=mmsgate_xdp.bpf.o loads one copy per port, maps empty)\n"
		"--no-xsk: what TCP/102 frames needing deep inspection do when no AF_XDP\n"
		"          socket is bound to their rx queue (default drop: fail closed;\n"
		"          peer: forward after the IP allowlist only, MMS NOT inspected;\n"
		"          pass: to the kernel stack)\n"
		"--stateless: accept replies by matching rules with client and server swapped\n"
		"          (no SYN) instead of tracking connections in an LRU table\n");
}

static void xdp_usage(void)
{
	xdp_usage_to(stderr);
}

struct xdp_args {
	const char *policy, *inside, *outside, *pin, *iface, *peer;
	bool skb, json, fb_set, stateless;
	uint8_t fb;
	int first; /* index of the first positional argument */
};

/* 0 ok, 1 --help given, -1 usage error. */
static int parse_args(int argc, char **argv, struct xdp_args *a)
{
	static const struct option opts[] = {
		{"policy", required_argument, NULL, 'p'}, {"inside", required_argument, NULL, 'i'},
		{"outside", required_argument, NULL, 'o'}, {"mode", required_argument, NULL, 'm'},
		{"no-xsk", required_argument, NULL, 'x'},  {"pin", required_argument, NULL, 'd'},
		{"json", no_argument, NULL, 'j'},          {"help", no_argument, NULL, 'h'},
		{"iface", required_argument, NULL, 'I'},   {"peer", required_argument, NULL, 'P'},
		{"stateless", no_argument, NULL, 'S'},
		{NULL, 0, NULL, 0}};
	int c;

	memset(a, 0, sizeof(*a));
	optind = 0; /* full re-initialisation of GNU getopt */
	while ((c = getopt_long(argc, argv, "p:i:o:m:x:d:I:P:Sjh", opts, NULL)) != -1) {
		switch (c) {
		case 'p': a->policy = optarg; break;
		case 'i': a->inside = optarg; break;
		case 'o': a->outside = optarg; break;
		case 'd': a->pin = optarg; break;
		case 'I': a->iface = optarg; break;
		case 'P': a->peer = optarg; break;
		case 'S': a->stateless = true; break;
		case 'j': a->json = true; break;
		case 'm':
			if (strcmp(optarg, "skb") == 0 || strcmp(optarg, "generic") == 0) {
				a->skb = true;
			} else if (strcmp(optarg, "native") == 0 || strcmp(optarg, "drv") == 0) {
				a->skb = false;
			} else {
				fprintf(stderr, "xdp: unknown mode '%s'\n", optarg);
				return -1;
			}
			break;
		case 'x':
			if (mg_xdp_fallback_parse(optarg, &a->fb)) {
				fprintf(stderr, "xdp: --no-xsk takes peer, pass or drop\n");
				return -1;
			}
			a->fb_set = true;
			break;
		case 'h': return 1;
		default: return -1;
		}
	}
	a->first = optind;
	return 0;
}

static struct mg_policy *load_policy(const char *path)
{
	struct mg_diags d;
	struct mg_policy *p;

	mg_diags_init(&d);
	p = mg_policy_compile_file(path, &d);
	mg_diags_print(&d, stderr);
	mg_diags_free(&d);
	if (!p)
		fprintf(stderr, "xdp: %s: policy has errors, nothing changed\n", path);
	return p;
}

static int do_attach(struct xdp_args *a)
{
	struct mg_xdp_attach_opts o;
	struct mg_policy_export e;
	struct mg_policy *p;
	char err[256] = "";
	int rc;

	if (!a->policy || !a->inside || !a->outside) {
		xdp_usage();
		return 2;
	}
	if (!(p = load_policy(a->policy)))
		return 1;
	mg_policy_export(p, &e);
	memset(&o, 0, sizeof(o));
	o.pin_dir = a->pin;
	o.inside = a->inside;
	o.outside = a->outside;
	o.skb_mode = a->skb;
	/* Fail closed unless told otherwise: without an AF_XDP consumer an
	 * inspected TCP/102 frame is dropped, never forwarded uninspected. */
	o.params.fallback = a->fb_set ? a->fb : MG_XDP_FB_DROP;
	o.params.stateless = a->stateless;
	rc = mg_xdp_attach(&o, &e, err, sizeof(err));
	if (rc)
		fprintf(stderr, "xdp attach: %s\n", err);
	else {
		printf("xdp: attached to %s <-> %s (%s mode), policy %s, %zu conn rules\n",
		       a->inside, a->outside, a->skb ? "skb" : "native", a->policy, e.n_conn);
		/* Say plainly what this mode enforces and what it does not. */
		printf("%s", mg_xdp_enforcement_str(o.params.fallback));
	}
	mg_policy_free(p);
	return rc ? 1 : 0;
}

static int do_reload(struct xdp_args *a)
{
	struct mg_xdp_fill_stats st;
	struct mg_xdp_params prm = {.fallback = a->fb_set ? a->fb : MG_XDP_FB_DROP,
				    .stateless = a->stateless};
	struct mg_policy_export e;
	struct mg_policy *p;
	char err[256] = "";
	int rc;

	if (!a->policy) {
		xdp_usage();
		return 2;
	}
	if (!(p = load_policy(a->policy)))
		return 1;
	mg_policy_export(p, &e);
	/* Without --no-xsk / --stateless the running settings are kept. */
	const struct mg_xdp_params *pp = (a->fb_set || a->stateless) ? &prm : NULL;

	if (a->iface)
		rc = mg_xdp_reload_iface(a->iface, a->peer, &e, pp, &st, err, sizeof(err));
	else
		rc = mg_xdp_reload(a->pin, &e, pp, &st, err, sizeof(err));
	if (rc)
		fprintf(stderr, "xdp reload: %s\n", err);
	else
		printf("xdp: policy %s active (generation %u: %zu IPv4 + %zu IPv6 prefixes, "
		       "%zu L2 rows, %zu L2 streams, %zu conn rules)\n",
		       a->policy, st.gen, st.n_lpm4, st.n_lpm6, st.n_l2, st.n_l2s, st.n_conn);
	mg_policy_free(p);
	return rc ? 1 : 0;
}

int mg_cmd_xdp(int argc, char **argv)
{
	struct xdp_args a;
	const char *sub;
	char err[256] = "";
	int rc = 0;

	if (argc < 2) {
		xdp_usage();
		return 2;
	}
	sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
		xdp_usage_to(stdout);
		return 0;
	}
	rc = parse_args(argc - 1, argv + 1, &a);
	if (rc > 0) { /* --help after a subcommand */
		xdp_usage_to(stdout);
		return 0;
	}
	if (rc < 0) {
		xdp_usage();
		return 2;
	}
	a.first += 1; /* index into argv */
	if (strcmp(sub, "attach") == 0)
		return do_attach(&a);
	if (strcmp(sub, "reload") == 0)
		return do_reload(&a);
	if (strcmp(sub, "status") == 0) {
		rc = mg_xdp_status(a.pin, a.iface, argv + a.first, argc - a.first, a.json, stdout, err,
				   sizeof(err));
		if (rc)
			fprintf(stderr, "xdp status: %s\n", err);
		return rc ? 1 : 0;
	}
	if (strcmp(sub, "detach") == 0) {
		if (a.first >= argc) {
			xdp_usage();
			return 2;
		}
		for (int i = a.first; i < argc; i++) {
			if (mg_xdp_detach(a.pin, argv[i], err, sizeof(err))) {
				fprintf(stderr, "xdp detach: %s\n", err);
				rc = 1;
			}
		}
		return rc;
	}
	fprintf(stderr, "xdp: unknown subcommand '%s'\n", sub);
	xdp_usage();
	return 2;
}

#else /* !MG_HAVE_XDP */

int mg_cmd_xdp(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf("usage: mmsgatectl xdp attach|detach|status|reload ...\n"
			       "XDP mode is not available in this build (built without MG_EBPF / "
			       "libbpf).\n");
			return 0;
		}
	fprintf(stderr, "mmsgatectl xdp: not available (built without MG_EBPF / libbpf)\n");
	return 1;
}

#endif
