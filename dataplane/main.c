/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mmsgate: start-up and shutdown of the dataplane daemon. Parses the
 * application options (after "--"), compiles and checks the policy before
 * touching EAL (so a bad policy fails fast with compiler-style
 * diagnostics), initialises EAL, mbuf pools, per-worker state, ports, the
 * event writer and telemetry, launches one worker per worker lcore, and
 * then only watches: periodic stats, --exit-on-idle, signals. On SIGINT or
 * SIGTERM the workers stop, held segments are released as drops, and the
 * final counters are printed (and written as JSON with --json-stats).
 *
 * As a service (issue 16): --config FILE supplies EAL arguments (ports by
 * PCI address or vdev, cores, memory) and option defaults that the command
 * line overrides; the control socket is served at its default path; the
 * systemd notify protocol says READY once the ports are up, SIGHUP reloads
 * the configured policy file atomically, and the watchdog is pinged only
 * while every worker's loop keeps turning. Messages go through mg_log().
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "mg_conf.h"
#include "mg_dp.h"
#include "mg_log.h"

#ifdef MG_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#else
static int sd_notify(int unset, const char *state)
{
	(void)unset;
	(void)state;
	return 0;
}
static int sd_watchdog_enabled(int unset, uint64_t *usec)
{
	(void)unset;
	(void)usec;
	return 0;
}
#endif

/* The configuration and the shared runtime state: state.c. */

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [EAL options] -- --policy FILE [options]\n"
		"       %s --config FILE [options]\n"
		"\n"
		"mmsgate: inline IEC 61850 firewall (transparent two-port bridge).\n"
		"Frames received on one port leave on the other unless the policy drops them;\n"
		"MMS on TCP/102 is inspected per PDU before its bytes are forwarded.\n"
		"\n"
		"Application options (after --):\n"
		"  --config FILE          read EAL settings (ports by PCI address or vdev, cores,\n"
		"                         memory) and defaults for these options from FILE\n"
		"                         (mmsgate.conf(5) in mmsgate(8)); the command line\n"
		"                         overrides it, its EAL options come after the file's\n"
		"  --policy FILE          policy to enforce (required; SIGHUP reloads it)\n"
		"  --inside PORT          DPDK port facing the substation (default 0)\n"
		"  --outside PORT         DPDK port facing the corporate/SCADA side (default 1)\n"
		"  --workers N            worker lcores (default: all worker lcores given to EAL).\n"
		"                         With N rx/tx queues and RSS on both ports: one queue\n"
		"                         per worker (symmetric key); otherwise (virtual devices)\n"
		"                         software dispatch: worker 0 receives, hashes each flow\n"
		"                         symmetrically to a worker, and transmits\n"
		"  --mode enforce|monitor override the policy's mode at start-up\n"
		"  --ctl-socket PATH      control socket for mmsgatectl (default\n"
		"                         " MG_DP_DEFAULT_SOCKET ", 'none' = no socket)\n"
		"  --metrics-listen ADDR:PORT  serve Prometheus /metrics (a bare PORT listens\n"
		"                         on 127.0.0.1; default off)\n"
		"  --capture-denied DIR   write denied frames and what the gate sent in answer\n"
		"                         to rotating pcap files in DIR (default off)\n"
		"  --capture-file-mb N    rotate capture files at N MiB (default 16)\n"
		"  --capture-files N      keep at most N capture files (default 8)\n"
		"  --capture-rate N       capture at most N frames per second (default 100)\n"
		"  --syslog               daemon messages to syslog (default: stderr, with\n"
		"                         journald priorities when run by systemd)\n"
		"  --log-level LEVEL      err, warning, notice, info (default) or debug\n"
		"  --events FILE          append deny/alert/anomaly/policy events as JSON lines\n"
		"  --events-syslog        also send events to syslog\n"
		"  --stats-interval S     print counters every S seconds (0 = never, default)\n"
		"  --json-stats FILE      write the final counters as JSON at exit\n"
		"  --max-flows N          flow table entries per worker (default 16384)\n"
		"  --hold-segs N          held in-order segments per direction (default 512)\n"
		"  --ooo-segs N           out-of-order segments per direction (default 128)\n"
		"  --reasm-bufs N         MMS reassembly buffers per worker (default 256)\n"
		"  --record-bufs N        TCP normaliser records of unacknowledged bytes per\n"
		"                         worker, 72 KiB each (default 256)\n"
		"  --mbufs N              mbufs in the packet pool (default: computed)\n"
		"  --syn-timeout S        embryonic TCP flow timeout (default 10)\n"
		"  --tcp-timeout S        established TCP idle timeout (default 600)\n"
		"  --udp-timeout S        UDP flow idle timeout (default 60)\n"
		"  --close-timeout S      closed/closing flow linger (default 5)\n"
		"  --exit-on-idle MS      exit MS ms after the last received frame (once\n"
		"                         something was received): for replaying captures\n"
		"  --ts-order             handle the two ports' frames in rx timestamp order\n"
		"                         (net_pcap record times): for replaying captures\n"
		"  --bench-inject N       put N 64-byte GOOSE frames (VLAN 100) on each port's tx\n"
		"                         at start (loopback devices such as net_ring: a\n"
		"                         benchmark like testpmd --tx-first)\n"
		"  --quiet                no start-up banner\n"
		"  --version, --help\n"
		"\n"
		"Example (captures, no hugepages):\n"
		"  %s --no-huge --no-shconf -m 512 --no-pci -l 0,1 \\\n"
		"    --vdev net_pcap0,rx_pcap=inside.pcap,tx_pcap=to-inside.pcap \\\n"
		"    --vdev net_pcap1,rx_pcap=outside.pcap,tx_pcap=to-outside.pcap \\\n"
		"    -- --policy site.policy --ts-order --exit-on-idle 500\n"
		"As a service: %s --config /etc/mmsgate/mmsgate.conf\n",
		prog, prog, prog, prog);
}

static int parse_u32(const char *opt, const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "mmsgate: %s: '%s' is not a number in [%u, %u]\n", opt, s, min,
			max);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

enum {
	OPT_POLICY = 256, OPT_INSIDE, OPT_OUTSIDE, OPT_WORKERS, OPT_MODE, OPT_CTL, OPT_EVENTS,
	OPT_SYSLOG, OPT_STATS_INT, OPT_JSON, OPT_MAXFLOWS, OPT_HOLD, OPT_OOO, OPT_REASM, OPT_RECORD,
	OPT_MBUFS, OPT_SYNTO, OPT_TCPTO, OPT_UDPTO, OPT_CLOSETO, OPT_IDLE, OPT_TSORDER, OPT_QUIET,
	OPT_VERSION, OPT_HELP, OPT_INJECT, OPT_CONFIG, OPT_METRICS, OPT_CAPDIR, OPT_CAPMB,
	OPT_CAPFILES, OPT_CAPRATE, OPT_LOGSYS, OPT_LOGLEVEL,
};

static const struct option longopts[] = {
	{"policy", required_argument, NULL, OPT_POLICY},
	{"inside", required_argument, NULL, OPT_INSIDE},
	{"outside", required_argument, NULL, OPT_OUTSIDE},
	{"workers", required_argument, NULL, OPT_WORKERS},
	{"mode", required_argument, NULL, OPT_MODE},
	{"ctl-socket", required_argument, NULL, OPT_CTL},
	{"events", required_argument, NULL, OPT_EVENTS},
	{"events-syslog", no_argument, NULL, OPT_SYSLOG},
	{"stats-interval", required_argument, NULL, OPT_STATS_INT},
	{"json-stats", required_argument, NULL, OPT_JSON},
	{"max-flows", required_argument, NULL, OPT_MAXFLOWS},
	{"hold-segs", required_argument, NULL, OPT_HOLD},
	{"ooo-segs", required_argument, NULL, OPT_OOO},
	{"reasm-bufs", required_argument, NULL, OPT_REASM},
	{"record-bufs", required_argument, NULL, OPT_RECORD},
	{"mbufs", required_argument, NULL, OPT_MBUFS},
	{"syn-timeout", required_argument, NULL, OPT_SYNTO},
	{"tcp-timeout", required_argument, NULL, OPT_TCPTO},
	{"udp-timeout", required_argument, NULL, OPT_UDPTO},
	{"close-timeout", required_argument, NULL, OPT_CLOSETO},
	{"exit-on-idle", required_argument, NULL, OPT_IDLE},
	{"ts-order", no_argument, NULL, OPT_TSORDER},
	{"quiet", no_argument, NULL, OPT_QUIET},
	{"bench-inject", required_argument, NULL, OPT_INJECT},
	{"version", no_argument, NULL, OPT_VERSION},
	{"help", no_argument, NULL, OPT_HELP},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"metrics-listen", required_argument, NULL, OPT_METRICS},
	{"capture-denied", required_argument, NULL, OPT_CAPDIR},
	{"capture-file-mb", required_argument, NULL, OPT_CAPMB},
	{"capture-files", required_argument, NULL, OPT_CAPFILES},
	{"capture-rate", required_argument, NULL, OPT_CAPRATE},
	{"syslog", no_argument, NULL, OPT_LOGSYS},
	{"log-level", required_argument, NULL, OPT_LOGLEVEL},
	{NULL, 0, NULL, 0},
};

static const char *start_mode;
/* The configuration file and what the command line left to it. */
static struct mg_conf conf;
static const char *port_spec[2]; /* conf's inside/outside unless --inside/--outside */
static bool log_syslog;
static int log_level = LOG_INFO;

/* Option defaults from the configuration file (the command line, parsed
 * next, overrides them). */
static void apply_conf(void)
{
	if (conf.policy[0])
		mg_dp_cfg.policy_path = conf.policy;
	if (conf.ctl_socket[0])
		mg_dp_cfg.ctl_socket = conf.ctl_socket;
	if (conf.events[0])
		mg_dp_cfg.events_path = conf.events;
	if (conf.events_syslog >= 0)
		mg_dp_cfg.events_syslog = conf.events_syslog;
	if (conf.metrics_listen[0])
		mg_dp_cfg.metrics_listen = conf.metrics_listen;
	if (conf.capture_dir[0])
		mg_dp_cfg.capture_dir = conf.capture_dir;
	if (conf.capture_file_mb)
		mg_dp_cfg.capture_file_mb = conf.capture_file_mb;
	if (conf.capture_files)
		mg_dp_cfg.capture_files = conf.capture_files;
	if (conf.capture_rate)
		mg_dp_cfg.capture_rate = conf.capture_rate;
	if (conf.workers)
		mg_dp_cfg.workers = conf.workers;
	if (conf.mode[0])
		start_mode = conf.mode;
	if (conf.log_level[0])
		log_level = mg_conf_log_level(conf.log_level);
	if (conf.log_syslog >= 0)
		log_syslog = conf.log_syslog;
	if (conf.inside[0])
		port_spec[MG_SIDE_INSIDE] = conf.inside;
	if (conf.outside[0])
		port_spec[MG_SIDE_OUTSIDE] = conf.outside;
}

/* 0 ok, 1 exit 0 (help/version), -1 usage error. */
static int parse_app(int argc, char **argv, const char *prog)
{
	uint32_t v;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_POLICY: mg_dp_cfg.policy_path = optarg; break;
		case OPT_INSIDE:
			if (parse_u32("--inside", optarg, 0, RTE_MAX_ETHPORTS - 1, &v))
				return -1;
			mg_dp_cfg.port[MG_SIDE_INSIDE] = (uint16_t)v;
			port_spec[MG_SIDE_INSIDE] = NULL;
			break;
		case OPT_OUTSIDE:
			if (parse_u32("--outside", optarg, 0, RTE_MAX_ETHPORTS - 1, &v))
				return -1;
			mg_dp_cfg.port[MG_SIDE_OUTSIDE] = (uint16_t)v;
			port_spec[MG_SIDE_OUTSIDE] = NULL;
			break;
		case OPT_WORKERS:
			if (parse_u32("--workers", optarg, 1, MG_DP_MAX_WORKERS, &mg_dp_cfg.workers))
				return -1;
			break;
		case OPT_MODE:
			if (strcmp(optarg, "enforce") && strcmp(optarg, "monitor")) {
				fprintf(stderr, "mmsgate: --mode: '%s' is not enforce or monitor\n",
					optarg);
				return -1;
			}
			start_mode = optarg;
			break;
		case OPT_CTL: mg_dp_cfg.ctl_socket = optarg; break;
		case OPT_EVENTS: mg_dp_cfg.events_path = optarg; break;
		case OPT_SYSLOG: mg_dp_cfg.events_syslog = true; break;
		case OPT_STATS_INT:
			if (parse_u32("--stats-interval", optarg, 0, 86400, &mg_dp_cfg.stats_interval))
				return -1;
			break;
		case OPT_JSON: mg_dp_cfg.json_stats = optarg; break;
		case OPT_MAXFLOWS:
			if (parse_u32("--max-flows", optarg, 64, 1u << 24, &mg_dp_cfg.max_flows))
				return -1;
			break;
		case OPT_HOLD:
			if (parse_u32("--hold-segs", optarg, 4, 65536, &mg_dp_cfg.hold_max_segs))
				return -1;
			break;
		case OPT_OOO:
			if (parse_u32("--ooo-segs", optarg, 0, 4096, &mg_dp_cfg.ooo_max_segs))
				return -1;
			break;
		case OPT_REASM:
			if (parse_u32("--reasm-bufs", optarg, 2, 1u << 20, &mg_dp_cfg.reasm_bufs))
				return -1;
			break;
		case OPT_RECORD:
			if (parse_u32("--record-bufs", optarg, 2, 1u << 20, &mg_dp_cfg.record_bufs))
				return -1;
			break;
		case OPT_MBUFS:
			if (parse_u32("--mbufs", optarg, 1024, 1u << 24, &mg_dp_cfg.nb_mbufs))
				return -1;
			break;
		case OPT_SYNTO:
			if (parse_u32("--syn-timeout", optarg, 1, 3600, &mg_dp_cfg.syn_timeout_s))
				return -1;
			break;
		case OPT_TCPTO:
			if (parse_u32("--tcp-timeout", optarg, 1, 604800, &mg_dp_cfg.tcp_timeout_s))
				return -1;
			break;
		case OPT_UDPTO:
			if (parse_u32("--udp-timeout", optarg, 1, 86400, &mg_dp_cfg.udp_timeout_s))
				return -1;
			break;
		case OPT_CLOSETO:
			if (parse_u32("--close-timeout", optarg, 1, 3600, &mg_dp_cfg.close_timeout_s))
				return -1;
			break;
		case OPT_IDLE:
			if (parse_u32("--exit-on-idle", optarg, 1, 86400000, &mg_dp_cfg.exit_on_idle_ms))
				return -1;
			break;
		case OPT_TSORDER: mg_dp_cfg.ts_order = true; break;
		case OPT_INJECT:
			if (parse_u32("--bench-inject", optarg, 1, 65536, &mg_dp_cfg.bench_inject))
				return -1;
			break;
		case OPT_QUIET: mg_dp_cfg.quiet = true; break;
		case OPT_CONFIG: break; /* read before the other options */
		case OPT_METRICS: {
			char a[64];
			uint16_t port;
			if (mg_conf_listen(optarg, a, sizeof(a), &port) != 0) {
				fprintf(stderr,
					"mmsgate: --metrics-listen: '%s' is not ADDR:PORT or PORT\n",
					optarg);
				return -1;
			}
			mg_dp_cfg.metrics_listen = optarg;
			break;
		}
		case OPT_CAPDIR: mg_dp_cfg.capture_dir = optarg; break;
		case OPT_CAPMB:
			if (parse_u32("--capture-file-mb", optarg, 1, 4096, &mg_dp_cfg.capture_file_mb))
				return -1;
			break;
		case OPT_CAPFILES:
			if (parse_u32("--capture-files", optarg, 1, 10000, &mg_dp_cfg.capture_files))
				return -1;
			break;
		case OPT_CAPRATE:
			if (parse_u32("--capture-rate", optarg, 1, 1000000, &mg_dp_cfg.capture_rate))
				return -1;
			break;
		case OPT_LOGSYS: log_syslog = true; break;
		case OPT_LOGLEVEL:
			log_level = mg_conf_log_level(optarg);
			if (log_level < 0) {
				fprintf(stderr, "mmsgate: --log-level: '%s' is not err, warning, "
						"notice, info or debug\n",
					optarg);
				return -1;
			}
			break;
		case OPT_VERSION: printf("mmsgate %s\n", MG_DP_VERSION); return 1;
		case 'h':
		case OPT_HELP: usage(stdout, prog); return 1;
		case '?':
		default:
			if (optopt)
				fprintf(stderr, "mmsgate: option needs an argument or is unknown: %s\n",
					argv[optind - 1]);
			else
				fprintf(stderr, "mmsgate: unknown option: %s\n", argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mmsgate: unexpected argument: %s\n", argv[optind]);
		return -1;
	}
	if (mg_dp_cfg.policy_path == NULL) {
		fprintf(stderr, "mmsgate: --policy FILE is required\n");
		return -1;
	}
	if (mg_dp_cfg.metrics_listen != NULL) {
		char a[64];
		uint16_t port;
		if (mg_conf_listen(mg_dp_cfg.metrics_listen, a, sizeof(a), &port) != 0) {
			fprintf(stderr, "mmsgate: metrics-listen: '%s' is not ADDR:PORT or PORT\n",
				mg_dp_cfg.metrics_listen);
			return -1;
		}
	}
	return 0;
}

/* --config FILE (or --config=FILE) among the application options: read it
 * before the other options so that they override it. 0, or 1 with the
 * message printed. */
static int read_config(int argc, char **argv)
{
	const char *path = NULL;
	char err[600];

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc)
			path = argv[++i];
		else if (!strncmp(argv[i], "--config=", 9))
			path = argv[i] + 9;
	}
	if (path == NULL)
		return 0;
	mg_conf_init(&conf);
	if (mg_conf_load(path, &conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "mmsgate: %s\n", err);
		return 1;
	}
	apply_conf();
	return 0;
}

static volatile sig_atomic_t reload_requested;

static void on_signal(int sig)
{
	if (sig == SIGHUP) {
		reload_requested = 1;
		return;
	}
	mg_dp_quit = true;
}

/* SIGHUP (systemctl reload): the configured policy file, compiled and
 * checked, swapped in atomically; on error the running policy stays. */
static void reload_policy(void)
{
	char err[512];

	sd_notify(0, "RELOADING=1\nSTATUS=reloading the policy");
	if (mg_dp_policy_swap(mg_dp_cfg.policy_path, err, sizeof(err)) == 0)
		mg_log(LOG_NOTICE, "SIGHUP: policy %s loaded: generation %" PRIu64,
		       mg_dp_cfg.policy_path, mg_dp_policy_generation());
	else
		mg_log(LOG_ERR, "SIGHUP: policy %s rejected, generation %" PRIu64 " keeps running: %s",
		       mg_dp_cfg.policy_path, mg_dp_policy_generation(), err);
	char st[128];
	snprintf(st, sizeof(st), "READY=1\nSTATUS=forwarding, policy generation %" PRIu64,
		 mg_dp_policy_generation());
	sd_notify(0, st);
}

/* The reload runs on a control thread of its own: compiling a large policy
 * (Hyperscan) can take seconds, and the main lcore must keep answering the
 * watchdog meanwhile. One reload at a time; a SIGHUP during one is kept
 * for after it. */
static volatile bool reload_running;

static void *reload_main(void *arg)
{
	(void)arg;
	reload_policy();
	__atomic_store_n(&reload_running, false, __ATOMIC_RELEASE);
	return NULL;
}

static void reload_start(void)
{
	pthread_t t;

	reload_running = true;
	if (rte_ctrl_thread_create(&t, "mg-reload", NULL, reload_main, NULL) == 0) {
		pthread_detach(t);
		return;
	}
	reload_policy(); /* no thread: reload inline */
	reload_running = false;
}

/* Ports named in the configuration file: their DPDK port ids. */
static int resolve_ports(char *err, size_t errlen)
{
	for (unsigned s = 0; s < 2; s++) {
		char name[MG_CONF_STR];
		uint16_t id;
		if (port_spec[s] == NULL)
			continue;
		if (mg_conf_port_name(port_spec[s], name, sizeof(name)) != 0 ||
		    rte_eth_dev_get_port_by_name(name, &id) != 0) {
			snprintf(err, errlen, "%s port '%s' was not found (is the NIC bound to a "
					      "DPDK driver? dpdk-devbind.py --status)",
				 s == MG_SIDE_INSIDE ? "inside" : "outside", port_spec[s]);
			return -1;
		}
		mg_dp_cfg.port[s] = id;
	}
	return 0;
}

static void print_stats(FILE *f, const char *title)
{
	struct mg_dp_ctr c;

	mg_dp_counters_sum(&c);
	fprintf(f, "---- %s ----\n", title);
	mg_dp_counters_print(f, &c);
	fflush(f);
}

static int fail(const char *what, const char *err)
{
	mg_log(LOG_ERR, "%s: %s", what, err);
	sd_notify(0, "STATUS=start-up failed");
	return 1;
}

int main(int argc, char **argv)
{
	char err[512];
	int sep = -1, rc;
	const char *prog = argv[0];

	bool has_config = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0 && sep < 0)
			sep = i;
		if (!strcmp(argv[i], "--config") || !strncmp(argv[i], "--config=", 9))
			has_config = true;
	}
	for (int i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) &&
		    (i > sep || argc == 2)) {
			usage(stdout, prog);
			return 0;
		}
		if (strcmp(argv[i], "--version") == 0 && (i > sep || argc == 2)) {
			printf("mmsgate %s\n", MG_DP_VERSION);
			return 0;
		}
	}
	if (sep < 0 && !has_config) {
		fprintf(stderr, "mmsgate: missing '--' before the application options "
				"(or give --config FILE)\n");
		usage(stderr, prog);
		return 2;
	}
	if (sep < 0)
		sep = 0; /* --config FILE [options]: every argument is an application option */
	/* Application options first: a bad option or policy never starts EAL. */
	char **app = calloc((size_t)(argc - sep + 1), sizeof(char *));
	if (app == NULL)
		return 1;
	app[0] = argv[0];
	for (int i = sep + 1; i < argc; i++)
		app[i - sep] = argv[i];
	mg_dp_cfg.ctl_socket = MG_DP_DEFAULT_SOCKET;
	if (read_config(argc - sep, app) != 0) {
		free(app);
		return 1;
	}
	rc = parse_app(argc - sep, app, prog);
	if (rc != 0) {
		if (rc < 0)
			fprintf(stderr, "Try '%s -- --help'.\n", prog);
		free(app);
		return rc > 0 ? 0 : 2;
	}
	free(app);
	mg_log_setup(log_syslog, log_level);
	if (!strcmp(mg_dp_cfg.ctl_socket, "none"))
		mg_dp_cfg.ctl_socket = NULL;

	struct mg_diags diags;
	mg_diags_init(&diags);
	struct mg_policy *pol = mg_policy_compile_file(mg_dp_cfg.policy_path, &diags);
	mg_diags_print(&diags, stderr);
	if (pol == NULL) {
		fprintf(stderr, "mmsgate: policy %s rejected (%zu error(s))\n",
			mg_dp_cfg.policy_path, diags.nerrors);
		mg_diags_free(&diags);
		return 1;
	}
	mg_diags_free(&diags);
	mg_dp_policy_install(pol, mg_dp_cfg.policy_path);
	if (start_mode)
		mg_dp_mode_set(start_mode);

	/* EAL arguments: the configuration file's, then the command line's. */
	static char eal_buf[4096];
	char *eal_argv[128];
	int eal_argc = 1;
	eal_argv[0] = argv[0];
	if (has_config) {
		/* EAL refuses some options twice (-l): the command line's win. */
		for (int i = 1; i < sep; i++) {
			const char *o = argv[i];
			if (!strcmp(o, "-l") || !strncmp(o, "--lcores", 8) || !strcmp(o, "-c") ||
			    (o[0] == '-' && (o[1] == 'l' || o[1] == 'c') && o[2] != '\0' && o[1] != '-'))
				conf.cores[0] = '\0';
			if (!strcmp(o, "-m") || !strncmp(o, "--socket-mem", 12) ||
			    (o[0] == '-' && o[1] == 'm' && o[2] != '\0'))
				conf.memory_mb = 0;
			if (!strcmp(o, "--no-huge"))
				conf.hugepages = -1;
		}
		int n = mg_conf_eal_argv(&conf, eal_buf, sizeof(eal_buf), eal_argv + 1, 64);
		if (n < 0)
			return fail("configuration", "too many EAL arguments");
		eal_argc += n;
	}
	for (int i = 1; i < sep && eal_argc < 127; i++)
		eal_argv[eal_argc++] = argv[i];
	eal_argv[eal_argc] = NULL;
	rc = rte_eal_init(eal_argc, eal_argv);
	if (rc < 0) {
		mg_log(LOG_ERR, "EAL initialisation failed: %s", rte_strerror(rte_errno));
		return 1;
	}
	mg_dp_hz = rte_get_tsc_hz();
	mg_dp_start_tsc = rte_rdtsc();
	{
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		mg_dp_start_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	if (resolve_ports(err, sizeof(err)) != 0) {
		rte_eal_cleanup();
		return fail("ports", err);
	}

	/* Workers: one per worker lcore unless --workers says fewer. */
	unsigned avail = rte_lcore_count() - 1;
	if (avail == 0) {
		rte_eal_cleanup();
		return fail("lcores", "need at least 2 lcores (main + 1 worker): e.g. -l 0,1");
	}
	if (mg_dp_cfg.workers == 0)
		mg_dp_cfg.workers = RTE_MIN(avail, (unsigned)MG_DP_MAX_WORKERS);
	if (mg_dp_cfg.workers > avail) {
		snprintf(err, sizeof(err), "%u workers need %u lcores (main + workers), EAL has %u",
			 mg_dp_cfg.workers, mg_dp_cfg.workers + 1, rte_lcore_count());
		rte_eal_cleanup();
		return fail("lcores", err);
	}
	/* Ports without RSS or with too few queues (most virtual devices):
	 * software dispatch, worker 0 being the rx/tx core. */
	for (unsigned s = 0; s < 2; s++) {
		struct rte_eth_dev_info info;
		uint16_t p = mg_dp_cfg.port[s];
		if (!rte_eth_dev_is_valid_port(p)) {
			snprintf(err, sizeof(err),
				 "%s port %u does not exist (%u ports available; add --vdev or a "
				 "device)",
				 s == MG_SIDE_INSIDE ? "inside" : "outside", p,
				 rte_eth_dev_count_avail());
			rte_eal_cleanup();
			return fail("ports", err);
		}
		if (mg_dp_cfg.workers > 1 && rte_eth_dev_info_get(p, &info) == 0 &&
		    (info.max_rx_queues < mg_dp_cfg.workers ||
		     info.max_tx_queues < mg_dp_cfg.workers ||
		     (info.flow_type_rss_offloads & (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP)) == 0))
			mg_dp_cfg.dispatch = true;
	}
	if (mg_dp_cfg.ts_order && mg_dp_cfg.workers > 1)
		mg_dp_cfg.dispatch = true; /* one rx core merges the two ports */
	mg_dp_nworkers = mg_dp_cfg.workers;
	if (mg_dp_cfg.dispatch && !mg_dp_cfg.quiet)
		mg_log(LOG_INFO, "%u workers by software dispatch (the ports have no RSS "
				 "or too few queues; worker 0 receives and transmits)",
		       mg_dp_nworkers);

	static const struct rte_mbuf_dynfield priv_desc = {
		.name = "mmsgate_hold",
		.size = sizeof(struct mg_mb_priv),
		.align = __alignof__(struct mg_mb_priv),
	};
	mg_dp_mbuf_priv_off = rte_mbuf_dynfield_register(&priv_desc);
	if (mg_dp_mbuf_priv_off < 0) {
		rte_eal_cleanup();
		return fail("mbuf dynfield", rte_strerror(rte_errno));
	}
	uint32_t nb = mg_dp_cfg.nb_mbufs;
	if (nb == 0)
		nb = RTE_MAX(16383u, 2 * mg_dp_nworkers * (2048 + 2 * MG_DP_BURST) +
					     mg_dp_nworkers * 4096 - 1);
	struct rte_mempool *pool = rte_pktmbuf_pool_create("mg_mbufs", nb, 256,
							    mg_dp_cfg.dispatch ? MG_DP_MBUF_PRIV_SIZE : 0,
							    RTE_MBUF_DEFAULT_BUF_SIZE,
							    (int)rte_socket_id());
	if (pool == NULL) {
		snprintf(err, sizeof(err), "cannot create %u mbufs: %s (raise -m or lower --mbufs)",
			 nb, rte_strerror(rte_errno));
		rte_eal_cleanup();
		return fail("mbuf pool", err);
	}

	unsigned lcore, w = 0;
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (w == mg_dp_nworkers)
			break;
		struct mg_lcore *lc = &mg_dp_lcores[w];
		lc->wid = w;
		lc->lcore_id = lcore;
		lc->q = mg_dp_cfg.dispatch ? 0 : (uint16_t)w;
		lc->pool = pool;
		w++;
	}
	for (w = 0; w < mg_dp_nworkers; w++) {
		if (mg_dp_worker_setup(&mg_dp_lcores[w], err, sizeof(err)) != 0) {
			rte_eal_cleanup();
			return fail("worker set-up", err);
		}
	}
	if (mg_dp_policy_rcu_init(mg_dp_nworkers, err, sizeof(err)) != 0 ||
	    mg_dp_events_init(mg_dp_cfg.events_path, mg_dp_cfg.events_syslog, err, sizeof(err)) != 0 ||
	    (mg_dp_cfg.dispatch && mg_dp_dispatch_init(err, sizeof(err)) != 0) ||
	    mg_dp_ports_init(mg_dp_cfg.dispatch ? 1 : mg_dp_nworkers, err, sizeof(err)) != 0 ||
	    (mg_dp_cfg.ts_order && mg_dp_ts_init(err, sizeof(err)) != 0) ||
	    (mg_dp_cfg.bench_inject && mg_dp_ports_inject(mg_dp_cfg.bench_inject, err, sizeof(err)) != 0)) {
		mg_dp_events_stop();
		mg_dp_ports_stop();
		rte_eal_cleanup();
		return fail("start-up", err);
	}
	mg_dp_telemetry_register();
	if (mg_dp_cfg.ctl_socket != NULL) {
		bool by_default = !strcmp(mg_dp_cfg.ctl_socket, MG_DP_DEFAULT_SOCKET);
		if (mg_dp_ctl_start(mg_dp_cfg.ctl_socket, err, sizeof(err)) != 0) {
			if (by_default) {
				/* The default path is a convenience: another daemon (a
				 * test, a second gate) may hold it. Asked-for paths must
				 * work. */
				mg_log(LOG_WARNING, "no control socket: %s", err);
				mg_dp_cfg.ctl_socket = NULL;
				goto ctl_done;
			}
			mg_dp_events_stop();
			mg_dp_ports_stop();
			rte_eal_cleanup();
			return fail("control socket", err);
		}
	}
ctl_done:
	if (mg_dp_cfg.capture_dir != NULL &&
	    mg_capture_start(mg_dp_cfg.capture_dir, mg_dp_cfg.capture_file_mb,
			     mg_dp_cfg.capture_files, mg_dp_cfg.capture_rate, mg_dp_nworkers, err,
			     sizeof(err)) != 0) {
		if (mg_dp_cfg.ctl_socket != NULL)
			mg_dp_ctl_stop();
		mg_dp_events_stop();
		mg_dp_ports_stop();
		rte_eal_cleanup();
		return fail("capture", err);
	}
	if (mg_dp_cfg.metrics_listen != NULL &&
	    mg_dp_metrics_start(mg_dp_cfg.metrics_listen, err, sizeof(err)) != 0) {
		if (mg_dp_cfg.ctl_socket != NULL)
			mg_dp_ctl_stop();
		mg_dp_events_stop();
		mg_dp_ports_stop();
		rte_eal_cleanup();
		return fail("metrics", err);
	}
	if (!mg_dp_cfg.quiet) {
		printf("mmsgate %s: policy %s (%s mode), inside port %u, outside port %u, %u "
		       "worker(s)\n",
		       MG_DP_VERSION, mg_dp_cfg.policy_path, mg_dp_mode_str(),
		       mg_dp_cfg.port[MG_SIDE_INSIDE], mg_dp_cfg.port[MG_SIDE_OUTSIDE],
		       mg_dp_nworkers);
		fflush(stdout);
	}

	for (w = 0; w < mg_dp_nworkers; w++)
		rte_eal_remote_launch(mg_dp_worker_main, &mg_dp_lcores[w], mg_dp_lcores[w].lcore_id);

	uint64_t next_stats = mg_dp_cfg.stats_interval
				      ? rte_rdtsc() + mg_dp_cfg.stats_interval * mg_dp_hz
				      : UINT64_MAX;
	uint64_t idle = (uint64_t)mg_dp_cfg.exit_on_idle_ms * mg_dp_hz / 1000;
	/* systemd: READY once the ports are up and the workers run; the
	 * watchdog is pinged at half its period, and only when every worker
	 * passed a quiescent point since the previous ping (a stuck worker
	 * stops the pings and systemd restarts the gate). */
	uint64_t wd_usec = 0, wd_period = UINT64_MAX, next_wd = UINT64_MAX;
	if (sd_watchdog_enabled(0, &wd_usec) > 0 && wd_usec > 0) {
		wd_period = wd_usec / 2 * (mg_dp_hz / 1000000);
		next_wd = rte_rdtsc() + wd_period;
		(void)mg_dp_workers_progressed(); /* first token */
	}
	{
		char st[160];
		snprintf(st, sizeof(st), "READY=1\nSTATUS=forwarding, policy generation %" PRIu64
					 "\nMAINPID=%ld",
			 mg_dp_policy_generation(), (long)getpid());
		sd_notify(0, st);
	}
	mg_log(LOG_NOTICE, "ready: policy %s (%s mode), %u worker(s), control socket %s",
	       mg_dp_cfg.policy_path, mg_dp_mode_str(), mg_dp_nworkers,
	       mg_dp_cfg.ctl_socket ? mg_dp_cfg.ctl_socket : "none");
	while (!mg_dp_quit) {
		usleep(10000);
		uint64_t now = rte_rdtsc();
		if (reload_requested && !__atomic_load_n(&reload_running, __ATOMIC_ACQUIRE)) {
			reload_requested = 0;
			reload_start();
		}
		if (now >= next_wd) {
			if (mg_dp_workers_progressed())
				sd_notify(0, "WATCHDOG=1");
			else
				mg_log(LOG_WARNING, "watchdog: a worker did not report a quiescent "
						    "state for %" PRIu64 " ms; not pinging systemd",
				       wd_usec / 2000);
			next_wd = now + wd_period;
		}
		if (now >= next_stats) {
			print_stats(stdout, "counters");
			next_stats = now + mg_dp_cfg.stats_interval * mg_dp_hz;
		}
		if (idle) {
			uint64_t last = 0;
			for (w = 0; w < mg_dp_nworkers; w++)
				last = RTE_MAX(last, mg_dp_lcores[w].last_rx);
			if (last != 0 && now > last + idle)
				mg_dp_quit = true;
		}
	}
	sd_notify(0, "STOPPING=1\nSTATUS=stopping");
	while (__atomic_load_n(&reload_running, __ATOMIC_ACQUIRE))
		usleep(1000); /* a reload in flight finishes before teardown */
	rte_eal_mp_wait_lcore();
	if (mg_dp_cfg.ctl_socket != NULL)
		mg_dp_ctl_stop();
	mg_dp_metrics_stop();
	/* Held segments still waiting for a verdict are dropped (and counted). */
	for (w = 0; w < mg_dp_nworkers; w++)
		mg_dp_worker_teardown(&mg_dp_lcores[w]);
	mg_capture_stop(); /* after teardown: it may capture the last drops */
	mg_dp_dispatch_fini();

	print_stats(stdout, "final counters");
	if (mg_dp_cfg.json_stats != NULL) {
		struct mg_dp_ctr c;
		FILE *f = fopen(mg_dp_cfg.json_stats, "w");
		mg_dp_counters_sum(&c);
		if (f == NULL) {
			fprintf(stderr, "mmsgate: --json-stats %s: %s\n", mg_dp_cfg.json_stats,
				strerror(errno));
		} else {
			mg_dp_counters_print_json(f, &c);
			fclose(f);
		}
	}
	mg_dp_events_stop();
	mg_dp_ports_stop();
	mg_dp_policy_fini();
	rte_eal_cleanup();
	return 0;
}
