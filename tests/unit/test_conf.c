/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The daemon's configuration file (dataplane/conf.c): every key type, the
 * errors an operator will make (each named file:line), ports given by PCI
 * address or vdev turned into EAL arguments, and the metrics listen
 * address forms.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <syslog.h>

#include "mg_conf.h"

static int parse(const char *text, struct mg_conf *c, char *err)
{
	mg_conf_init(c);
	return mg_conf_parse("t.conf", text, strlen(text), c, err, 256);
}

Test(conf, full_file)
{
	struct mg_conf c;
	char err[256] = "";
	const char *t = "# mmsgate\n"
	                "\n"
	                "inside  = 0000:03:00.0\n"
	                "outside=03:00.1\n"
	                "cores = 0,2-3\r\n"
	                "memory = 1024\n"
	                "hugepages = yes\n"
	                "policy = /etc/mmsgate/policy\n"
	                "ctl-socket = /run/mmsgate/mmsgate.sock\n"
	                "events = /var/log/mmsgate/events.jsonl\n"
	                "events-syslog = no\n"
	                "metrics-listen = 9560\n"
	                "capture-denied = /var/lib/mmsgate/captures\n"
	                "capture-file-mb = 16\n"
	                "capture-files = 8\n"
	                "capture-rate = 200\n"
	                "workers = 2\n"
	                "mode = monitor\n"
	                "log-level = debug\n"
	                "  syslog = on  \n"
	                "eal-args = --file-prefix mg  --in-memory\n";
	cr_assert_eq(parse(t, &c, err), 0, "%s", err);
	cr_assert_str_eq(c.inside, "0000:03:00.0");
	cr_assert_str_eq(c.outside, "03:00.1");
	cr_assert_str_eq(c.cores, "0,2-3");
	cr_assert_eq(c.memory_mb, 1024);
	cr_assert_eq(c.hugepages, 1);
	cr_assert_eq(c.events_syslog, 0);
	cr_assert_eq(c.log_syslog, 1);
	cr_assert_str_eq(c.metrics_listen, "9560");
	cr_assert_eq(c.capture_file_mb, 16);
	cr_assert_eq(c.capture_files, 8);
	cr_assert_eq(c.capture_rate, 200);
	cr_assert_eq(c.workers, 2);
	cr_assert_str_eq(c.mode, "monitor");
	cr_assert_str_eq(c.log_level, "debug");

	char buf[2048], *argv[32];
	int n = mg_conf_eal_argv(&c, buf, sizeof(buf), argv, 32);
	const char *want[] = {"-l",           "0,2-3", "-m",           "1024",          "-a",
	                      "0000:03:00.0", "-a",    "0000:03:00.1", "--file-prefix", "mg",
	                      "--in-memory"};
	cr_assert_eq(n, (int)(sizeof(want) / sizeof(want[0])));
	for (int i = 0; i < n; i++)
		cr_assert_str_eq(argv[i], want[i], "argv[%d]", i);
	cr_assert_eq(mg_conf_eal_argv(&c, buf, sizeof(buf), argv, 5), -1, "argv too small");
	cr_assert_eq(mg_conf_eal_argv(&c, buf, 20, argv, 32), -1, "buf too small");
}

Test(conf, vdevs_no_pci_no_huge)
{
	struct mg_conf c;
	char err[256] = "";
	cr_assert_eq(parse("inside = net_af_packet0,iface=veth0\n"
	                   "outside = net_pcap1,rx_pcap=/tmp/a.pcap\n"
	                   "hugepages = false\n"
	                   "outside = net_af_packet1,iface=veth1\n", /* later key wins */
	                   &c, err),
	             0, "%s", err);
	char buf[1024], *argv[16];
	int n = mg_conf_eal_argv(&c, buf, sizeof(buf), argv, 16);
	const char *want[] = {"--no-huge",
	                      "--vdev",
	                      "net_af_packet0,iface=veth0",
	                      "--vdev",
	                      "net_af_packet1,iface=veth1",
	                      "--no-pci"};
	cr_assert_eq(n, 6);
	for (int i = 0; i < n; i++)
		cr_assert_str_eq(argv[i], want[i], "argv[%d]", i);
	char name[64];
	cr_assert_eq(mg_conf_port_name(c.inside, name, sizeof(name)), 0);
	cr_assert_str_eq(name, "net_af_packet0");
	cr_assert_eq(mg_conf_port_name("3:0.0", name, sizeof(name)), -1);
	cr_assert_eq(mg_conf_port_name("03:00.0", name, sizeof(name)), 0);
	cr_assert_str_eq(name, "0000:03:00.0");
	cr_assert_eq(mg_conf_port_name("eth0", name, sizeof(name)), -1);
	cr_assert_eq(mg_conf_port_name("net_", name, sizeof(name)), -1);
	cr_assert_eq(mg_conf_port_name("0000:03:20.0", name, sizeof(name)), -1); /* dev > 31 */
}

Test(conf, errors_name_file_and_line)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
	    {"policy = a\nbogus = 1\n", "t.conf:2: unknown key 'bogus'"},
	    {"\n\nno equals here\n", "t.conf:3: expected 'key = value'"},
	    {"= 5\n", "t.conf:1: missing key before '='"},
	    {"memory = 12x\n", "t.conf:1: memory: '12x' is not a number in [64, 1048576]"},
	    {"memory = -1\n", "t.conf:1: memory: '-1' is not a number in [64, 1048576]"},
	    {"workers = 99\n", "t.conf:1: workers: '99' is not a number in [1, 16]"},
	    {"hugepages = maybe\n", "t.conf:1: hugepages: 'maybe' is not yes or no"},
	    {"mode = block\n", "t.conf:1: mode: 'block' is not enforce or monitor"},
	    {"log-level = loud\n",
	     "t.conf:1: log-level: 'loud' is not err, warning, notice, info or debug"},
	    {"inside = eth0\n", "t.conf:1: inside: 'eth0' is neither a PCI address"},
	    {"policy =\n", "t.conf:1: policy: empty value"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mg_conf c;
		char err[256] = "";
		cr_assert_eq(parse(cases[i].text, &c, err), -1, "%s", cases[i].text);
		cr_assert(strncmp(err, cases[i].err, strlen(cases[i].err)) == 0,
		          "got '%s' want '%s'", err, cases[i].err);
	}
	struct mg_conf c;
	char err[256], big[700];
	memset(big, 'a', sizeof(big));
	memcpy(big, "policy = ", 9);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	cr_assert_eq(parse(big, &c, err), -1);
	cr_assert(strstr(err, "t.conf:1: policy: value longer than 511 bytes"), "%s", err);
	cr_assert_eq(mg_conf_parse("t.conf", "a\0b = 1\n", 8, &c, err, sizeof(err)), -1);
	cr_assert_eq(mg_conf_load("/nonexistent/mmsgate.conf", &c, err, sizeof(err)), -1);
	cr_assert(strstr(err, "/nonexistent/mmsgate.conf: No such file"), "%s", err);
}

Test(conf, listen_forms)
{
	char a[64];
	uint16_t p;
	cr_assert_eq(mg_conf_listen("9560", a, sizeof(a), &p), 0);
	cr_assert_str_eq(a, "127.0.0.1");
	cr_assert_eq(p, 9560);
	cr_assert_eq(mg_conf_listen("0.0.0.0:80", a, sizeof(a), &p), 0);
	cr_assert_str_eq(a, "0.0.0.0");
	cr_assert_eq(p, 80);
	cr_assert_eq(mg_conf_listen("[::1]:9560", a, sizeof(a), &p), 0);
	cr_assert_str_eq(a, "::1");
	cr_assert_eq(mg_conf_listen("::1:9560", a, sizeof(a), &p), -1);
	cr_assert_eq(mg_conf_listen("0", a, sizeof(a), &p), -1);
	cr_assert_eq(mg_conf_listen("65536", a, sizeof(a), &p), -1);
	cr_assert_eq(mg_conf_listen("host:", a, sizeof(a), &p), -1);
	cr_assert_eq(mg_conf_listen(":80", a, sizeof(a), &p), -1);
	cr_assert_eq(mg_conf_listen("[]:80", a, sizeof(a), &p), -1);
	cr_assert_eq(mg_conf_log_level("warning"), LOG_WARNING);
	cr_assert_eq(mg_conf_log_level("verbose"), -1);
}
