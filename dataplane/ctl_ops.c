/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The daemon's control operations: the ops table of the control server
 * (ctl_server.h) filled from the dataplane's state, plus mg_dp_ctl_start /
 * mg_dp_ctl_stop, the hooks main.c calls. Everything here runs on the
 * control thread (a DPDK control thread, off the worker cores) and only
 * reads what workers write: counters are summed from the per-lcore copies
 * without locks, the flow list is a lock-free snapshot of each worker's
 * flow array (fields may be a burst apart, never a stall), the policy is
 * swapped through mg_dp_policy_swap (RCU). Events come from the event
 * writer's recent-lines buffer; this file numbers them so `events
 * --follow` can ask "everything after N".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "ctl_server.h"
#include "mg_dp.h"
#include "mg_policy_export.h"

static struct mg_ctl_server *ctl_srv;

/* ---- helpers ------------------------------------------------------------ */

static uint64_t wall_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static json_t *iso_time(uint64_t unix_s)
{
	char b[32];
	time_t t = (time_t)unix_s;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(b);
}

static json_t *u64(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static const char *side_name(unsigned s)
{
	return s == MG_SIDE_INSIDE ? "inside" : "outside";
}

/* Text a policy printer writes to a FILE, as a malloc'd string. */
static char *capture(void (*fn)(const struct mg_policy *, FILE *), const struct mg_policy *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	fn(p, f);
	fclose(f);
	return buf;
}

/* ---- status -------------------------------------------------------------- */

static json_t *port_json(unsigned side, const struct mg_dp_ctr *c)
{
	uint16_t pid = mg_dp_cfg.port[side];
	char name[RTE_ETH_NAME_MAX_LEN] = "?";
	struct rte_eth_link link;
	struct rte_eth_stats hw;
	json_t *o = json_object();

	rte_eth_dev_get_name_by_port(pid, name);
	json_object_set_new(o, "side", json_string(side_name(side)));
	json_object_set_new(o, "port", json_integer(pid));
	json_object_set_new(o, "name", json_string(name));
	memset(&link, 0, sizeof(link));
	if (rte_eth_link_get_nowait(pid, &link) == 0) {
		json_object_set_new(o, "link", json_string(link.link_status ? "up" : "down"));
		if (link.link_speed != RTE_ETH_SPEED_NUM_NONE &&
		    link.link_speed != RTE_ETH_SPEED_NUM_UNKNOWN)
			json_object_set_new(o, "speed_mbps", json_integer(link.link_speed));
		json_object_set_new(o, "duplex",
				    json_string(link.link_duplex ? "full" : "half"));
	} else {
		json_object_set_new(o, "link", json_string("unknown"));
	}
	json_object_set_new(o, "rx", u64(c->rx[side]));
	json_object_set_new(o, "tx", u64(c->tx[side]));
	json_object_set_new(o, "drop", u64(c->drop[side]));
	/* The NIC's own view: frames the PMD could not deliver (missed,
	 * no mbuf) are frames lost before the dataplane saw them. */
	if (rte_eth_stats_get(pid, &hw) == 0) {
		json_object_set_new(o, "hw_rx", u64(hw.ipackets));
		json_object_set_new(o, "hw_tx", u64(hw.opackets));
		json_object_set_new(o, "hw_rx_missed", u64(hw.imissed));
		json_object_set_new(o, "hw_rx_errors", u64(hw.ierrors));
		json_object_set_new(o, "hw_rx_nombuf", u64(hw.rx_nombuf));
		json_object_set_new(o, "hw_tx_errors", u64(hw.oerrors));
	}
	return o;
}

static int op_status(void *ud, json_t *out, char *err, size_t errlen)
{
	struct mg_dp_ctr c;
	const struct mg_dp_policy *pol = mg_dp_policy_current();
	uint64_t now = wall_ns();
	struct mg_ctl_server_stats ss;

	mg_dp_counters_sum(&c);
	json_object_set_new(out, "version", json_string(MG_DP_VERSION));
	json_object_set_new(out, "pid", json_integer(getpid()));
	json_object_set_new(out, "started_at", iso_time(mg_dp_start_ns / 1000000000ull));
	json_object_set_new(out, "uptime_s", json_real((double)(now - mg_dp_start_ns) / 1e9));
	json_object_set_new(out, "mode", json_string(mg_dp_mode_str()));
	json_object_set_new(out, "mode_override",
			    json_boolean(__atomic_load_n(&mg_dp_mode_override, __ATOMIC_ACQUIRE) >= 0));
	json_object_set_new(out, "workers", json_integer(mg_dp_nworkers));
	json_t *lc = json_array();
	for (unsigned w = 0; w < mg_dp_nworkers; w++)
		json_array_append_new(lc, json_integer(mg_dp_lcores[w].lcore_id));
	json_object_set_new(out, "worker_lcores", lc);
	json_t *ports = json_array();
	for (unsigned s = 0; s < 2; s++)
		json_array_append_new(ports, port_json(s, &c));
	json_object_set_new(out, "ports", ports);
	if (pol) {
		json_t *p = json_object();
		json_object_set_new(p, "path", json_string(pol->path));
		json_object_set_new(p, "generation", u64(pol->gen));
		json_object_set_new(p, "loaded_at", iso_time(pol->loaded_unix));
		json_object_set_new(p, "loaded_unix", u64(pol->loaded_unix));
		json_object_set_new(p, "age_s",
				    json_real((double)now / 1e9 - (double)pol->loaded_unix));
		json_object_set_new(out, "policy", p);
		json_object_set_new(out, "generation", u64(pol->gen));
	} else {
		json_object_set_new(out, "generation", json_integer(0));
	}
	uint64_t drops = c.drop[0] + c.drop[1];
	json_object_set_new(out, "counts",
			    json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
				      "rx", u64(c.rx[0] + c.rx[1]), "tx", u64(c.tx[0] + c.tx[1]),
				      "dropped", u64(drops), "flows_active", u64(c.flows_active),
				      "flows_opened", u64(c.flows_opened), "mms_pdus",
				      u64(c.mms_pdus), "allow", u64(c.verdict[MG_ACT_ALLOW]),
				      "alert", u64(c.verdict[MG_ACT_ALERT]), "deny",
				      u64(c.verdict[MG_ACT_DENY]), "monitor_would_deny",
				      u64(c.monitor_would_deny), "rst_sent", u64(c.rst_sent),
				      "events", u64(c.events)));
	if (ctl_srv) {
		mg_ctl_server_get_stats(ctl_srv, &ss);
		json_object_set_new(out, "ctl",
				    json_pack("{s:o,s:o,s:o,s:o}", "requests", u64(ss.requests),
					      "errors", u64(ss.errors), "rejected_peers",
					      u64(ss.rejected_peers), "too_big", u64(ss.too_big)));
	}
	return 0;
}

/* ---- stats -------------------------------------------------------------- */

static int op_stats(void *ud, json_t *out, char *err, size_t errlen)
{
	struct mg_dp_ctr c;
	json_t *o;

	mg_dp_counters_sum(&c);
	o = json_object();
	for (unsigned s = 0; s < 2; s++) {
		json_t *p = port_json(s, &c);
		/* stats keeps ports to counters (status has the names). */
		json_object_del(p, "side");
		json_object_del(p, "name");
		json_object_del(p, "link");
		json_object_del(p, "speed_mbps");
		json_object_del(p, "duplex");
		json_object_set_new(o, side_name(s), p);
	}
	json_object_set_new(out, "ports", o);

	o = json_object();
	for (unsigned i = 0; i < MG_L2C__COUNT; i++)
		json_object_set_new(o, mg_dp_l2_class_str(i), u64(c.l2[i]));
	json_object_set_new(out, "l2", o);

	o = json_object();
	for (unsigned i = 0; i < MG_SVC__COUNT; i++)
		if (c.svc[i] && mg_mms_svc_name((uint16_t)i))
			json_object_set_new(o, mg_mms_svc_name((uint16_t)i), u64(c.svc[i]));
	json_object_set_new(out, "services", o);

	o = json_object();
	for (unsigned i = 0; i < MG_IEC__COUNT; i++)
		if (c.iec[i])
			json_object_set_new(o, mg_iec_class_str((uint8_t)i), u64(c.iec[i]));
	json_object_set_new(out, "iec_classes", o);

	json_object_set_new(out, "verdicts",
			    json_pack("{s:o,s:o,s:o,s:o}", "allow", u64(c.verdict[MG_ACT_ALLOW]),
				      "alert", u64(c.verdict[MG_ACT_ALERT]), "deny",
				      u64(c.verdict[MG_ACT_DENY]), "monitor_would_deny",
				      u64(c.monitor_would_deny)));

	o = json_object();
	for (unsigned i = 0; i < MG_DPD__COUNT; i++)
		json_object_set_new(o, mg_dp_drop_str(i), u64(c.dpdrop[i]));
	json_object_set_new(out, "drops", o);

	o = json_object();
	for (unsigned i = 1; i < MG_R__COUNT; i++)
		if (c.reason[i])
			json_object_set_new(o, mg_reason_str((enum mg_reason)i), u64(c.reason[i]));
	json_object_set_new(out, "reasons", o);

	json_object_set_new(out, "flows",
			    json_pack("{s:o,s:o,s:o,s:o,s:o}", "active", u64(c.flows_active),
				      "opened", u64(c.flows_opened), "closed", u64(c.flows_closed),
				      "evicted", u64(c.flows_evicted), "expired",
				      u64(c.flows_expired)));
	struct mg_vl_stats vl;

	mg_vl_stats(mg_dp_varlists, &vl); /* one table shared by the workers */
	o = json_object();
	json_object_set_new(o, "known", u64(mg_vl_count(mg_dp_varlists)));
	json_object_set_new(o, "learned", u64(vl.learned));
	json_object_set_new(o, "forgotten", u64(vl.forgotten));
	json_object_set_new(o, "expanded", u64(vl.expanded));
	json_object_set_new(o, "unknown", u64(vl.unknown));
	json_object_set_new(o, "table_full", u64(vl.table_full));
	json_object_set_new(o, "too_big", u64(vl.too_big));
	json_object_set_new(o, "ied_full", u64(vl.ied_full));
	json_object_set_new(o, "read_retry_out", u64(vl.read_retry_out));
	json_object_set_new(out, "varlists", o);

	json_object_set_new(out, "control",
			    json_pack("{s:o,s:o,s:o,s:o}", "selects_armed", u64(c.ctl_armed),
				      "selects_expired", u64(c.ctl_expired), "models_learned",
				      u64(c.ctl_learned), "state_full", u64(c.ctl_full)));
	json_object_set_new(out, "mms_pdus", u64(c.mms_pdus));
	json_object_set_new(out, "rst_sent", u64(c.rst_sent));
	json_object_set_new(out, "refusals_sent", u64(c.refusals_sent));
	json_object_set_new(out, "pdus_removed", u64(c.pdus_removed));
	json_object_set_new(out, "seqadj_flows", u64(c.seqadj_flows));
	json_object_set_new(out, "seqadj_bytes_dropped", u64(c.seqadj_bytes_dropped));
	json_object_set_new(out, "seqadj_bytes_injected", u64(c.seqadj_bytes_injected));
	json_object_set_new(out, "seqadj_retransmits", u64(c.seqadj_retransmits));
	json_object_set_new(out, "held_segments", u64(c.held_segs));
	json_object_set_new(out, "tcp_retransmits_forwarded", u64(c.tcp_retrans_fwd));
	json_object_set_new(out, "tcp_coalesced", u64(c.tcp_coalesced));
	json_object_set_new(out, "tcp_gate_sacks", u64(c.tcp_gate_sacks));
	json_object_set_new(out, "tcp_custody_takes", u64(c.tcp_custody_takes));
	json_object_set_new(out, "tcp_custody_acks", u64(c.tcp_custody_acks));
	json_object_set_new(out, "tcp_custody_resends", u64(c.tcp_custody_resends));
	json_object_set_new(out, "tcp_custody_now", u64(c.tcp_custody_now));
	json_object_set_new(out, "events", u64(c.events));
	json_object_set_new(out, "events_lost", u64(c.events_lost));
	json_object_set_new(out, "policy_generation", u64(mg_dp_policy_generation()));
	json_object_set_new(out, "uptime_s",
			    json_real((double)(wall_ns() - mg_dp_start_ns) / 1e9));
	return 0;
}

/* ---- flows -------------------------------------------------------------- */

static void endpoint(char *o, size_t olen, uint8_t ver, const uint8_t *a, uint16_t port)
{
	char ip[INET6_ADDRSTRLEN];
	inet_ntop(ver == 6 ? AF_INET6 : AF_INET, a, ip, sizeof(ip));
	snprintf(o, olen, ver == 6 ? "[%s]:%u" : "%s:%u", ip, port);
}

static int op_flows(void *ud, unsigned limit, json_t *out, char *err, size_t errlen)
{
	json_t *arr = json_array();
	uint64_t count = 0, tsc = rte_rdtsc();
	double hz = (double)mg_dp_hz;

	for (unsigned w = 0; w < mg_dp_nworkers; w++) {
		const struct mg_flows *fl = &mg_dp_lcores[w].flows;
		const struct mg_flow *tab = fl->tab;
		if (tab == NULL)
			continue;
		for (uint32_t i = 0; i <= fl->max; i++) {
			const volatile struct mg_flow *vf = &tab[i];
			uint8_t state = vf->state;
			if (state == MG_FS_FREE || state > MG_FS_CLOSED)
				continue;
			count++;
			if (json_array_size(arr) >= limit)
				continue;
			/* Copy the few fields shown; a worker may be
			 * updating them (snapshot semantics). */
			struct mg_flow_key k;
			memcpy(&k, (const void *)&vf->key, sizeof(k));
			bool cia = vf->client_is_a;
			uint64_t created = vf->t_created, last = vf->t_last;
			char cl[64], ied[64];
			endpoint(cl, sizeof(cl), k.ver, cia ? k.a : k.b, cia ? k.pa : k.pb);
			endpoint(ied, sizeof(ied), k.ver, cia ? k.b : k.a, cia ? k.pb : k.pa);
			json_t *f = json_object();
			json_object_set_new(f, "client", json_string(cl));
			json_object_set_new(f, "ied", json_string(ied));
			json_object_set_new(f, "proto", json_string(k.proto == 6 ? "tcp"
								   : k.proto == 17 ? "udp"
								   : "ip"));
			json_object_set_new(f, "kind", json_string(vf->kind == MG_CONN_INSPECT
									   ? "mms"
									   : "allow"));
			json_object_set_new(f, "state", json_string(mg_flow_state_str(state)));
			if (vf->kind == MG_CONN_INSPECT)
				json_object_set_new(f, "assoc",
						    json_string(mg_assoc_state_str(vf->eng.state)));
			/* An inspected TCP flow's transport state per direction
			 * (c2s, s2c): segments held for a verdict, kept in the
			 * gate's custody, and whether the window shown to the
			 * sender is clamped (docs/threat-model.md). */
			if (vf->kind == MG_CONN_INSPECT && k.proto == 6) {
				json_t *t = json_object();
				static const char *const dn[2] = {"c2s", "s2c"};
				uint8_t cu = vf->cust, cl = vf->clamp;
				for (unsigned d = 0; d < 2; d++) {
					json_t *o = json_object();
					json_object_set_new(o, "held",
							    u64(vf->d[d].nhold + vf->d[d].nooo));
					json_object_set_new(o, "kept", u64(vf->d[d].nkept));
					json_object_set_new(o, "custody",
							    json_boolean(cu & (1u << d)));
					json_object_set_new(o, "window_clamped",
							    json_boolean(cl & (1u << d)));
					json_object_set_new(t, dn[d], o);
				}
				json_object_set_new(f, "tcp", t);
			}
			json_object_set_new(f, "age_s",
					    json_real(tsc > created ? (double)(tsc - created) / hz : 0));
			json_object_set_new(f, "idle_s",
					    json_real(tsc > last ? (double)(tsc - last) / hz : 0));
			json_object_set_new(f, "pdus_c2s", u64(vf->pdus[MG_DIR_C2S]));
			json_object_set_new(f, "pdus_s2c", u64(vf->pdus[MG_DIR_S2C]));
			json_object_set_new(f, "denies", u64(vf->denies));
			/* PDUs per IEC 61850 service class, both directions */
			json_t *cls = json_object();
			for (unsigned k = 1; k < MG_IEC__COUNT; k++) {
				uint16_t n = vf->pdus_class[k];
				if (n)
					json_object_set_new(cls, mg_iec_class_str((uint8_t)k),
							    json_integer(n));
			}
			json_object_set_new(f, "classes", cls);
			if (vf->rule_line)
				json_object_set_new(f, "rule_line", json_integer(vf->rule_line));
			json_object_set_new(f, "policy_generation", u64(vf->gen));
			json_object_set_new(f, "worker", json_integer(w));
			json_array_append_new(arr, f);
		}
	}
	json_object_set_new(out, "flows", arr);
	json_object_set_new(out, "count", u64(count));
	json_object_set_new(out, "truncated", json_boolean(count > json_array_size(arr)));
	return 0;
}

/* ---- events ------------------------------------------------------------- */

/*
 * The event writer keeps the last lines it wrote (mg_dp_events_recent).
 * Each call diffs the current snapshot against the previous one (the
 * longest suffix of the old that is a prefix of the new is what both saw)
 * and numbers the new lines into a larger history ring here.
 */
#define EV_SNAP 256
#define EV_LINE_MAX 1400
#define EV_HIST 4096

static char *hist[EV_HIST];    /* line of seq s at hist[s % EV_HIST] */
static uint64_t hist_next = 1; /* next sequence number */
static uint64_t hist_gaps;     /* times the snapshot moved past us */
static char *snap[EV_SNAP];
static unsigned snap_n;

static void events_sync(void)
{
	size_t blen = (size_t)EV_SNAP * (EV_LINE_MAX + 1);
	char *buf = malloc(blen);
	char *cur[EV_SNAP];
	unsigned n = 0, ov;

	if (!buf)
		return;
	mg_dp_events_recent(buf, blen, EV_SNAP);
	for (char *p = buf, *nl; *p && n < EV_SNAP; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		cur[n++] = p;
	}
	for (ov = snap_n < n ? snap_n : n; ov > 0; ov--) {
		unsigned i = 0;
		while (i < ov && !strcmp(snap[snap_n - ov + i], cur[i]))
			i++;
		if (i == ov)
			break;
	}
	if (ov == 0 && snap_n > 0 && n > 0)
		hist_gaps++;
	for (unsigned i = ov; i < n; i++) {
		char **slot = &hist[hist_next % EV_HIST];
		free(*slot);
		*slot = strdup(cur[i]);
		hist_next++;
	}
	for (unsigned i = 0; i < snap_n; i++)
		free(snap[i]);
	for (unsigned i = 0; i < n; i++)
		snap[i] = strdup(cur[i]);
	snap_n = n;
	free(buf);
}

static int op_events(void *ud, int64_t since, unsigned limit, json_t *out, char *err,
		     size_t errlen)
{
	events_sync();
	uint64_t oldest = hist_next > EV_HIST ? hist_next - EV_HIST : 1;
	uint64_t first, missed = 0;
	json_t *arr = json_array();

	if (since < 0) {
		first = hist_next > limit ? hist_next - limit : 1;
		if (first < oldest)
			first = oldest;
	} else {
		first = (uint64_t)since;
		if (first < oldest) {
			missed = oldest - first;
			first = oldest;
		}
		if (first == 0)
			first = 1;
		/* A cursor from the future (a daemon restart since the
		 * client's last call): start over at the present. */
		if (first > hist_next)
			first = hist_next;
	}
	uint64_t s = first;
	for (; s < hist_next && json_array_size(arr) < limit; s++) {
		const char *line = hist[s % EV_HIST];
		json_t *e = line ? json_loads(line, 0, NULL) : NULL;
		if (!json_is_object(e)) {
			json_decref(e);
			e = json_pack("{s:s}", "raw", line ? line : "");
		}
		json_object_set_new(e, "seq", u64(s));
		json_array_append_new(arr, e);
	}
	json_object_set_new(out, "events", arr);
	json_object_set_new(out, "next", u64(s));
	json_object_set_new(out, "missed", u64(missed));
	json_object_set_new(out, "gaps", u64(hist_gaps));
	return 0;
}

/* ---- policy ------------------------------------------------------------- */

/* Per-rule hit counters are cumulative per worker; `policy show` reports
 * them since the running generation was loaded, from a baseline taken at
 * each swap done here. */
static uint64_t hits_base[MG_DP_RULE_HITS];
static uint64_t hits_base_gen = 1;

static void hits_rebase(uint64_t gen)
{
	struct mg_dp_ctr c;
	mg_dp_counters_sum(&c);
	memcpy(hits_base, c.mms_rule_hits, sizeof(hits_base));
	hits_base_gen = gen;
}

static int op_policy_load(void *ud, const char *path, json_t *out, char *err, size_t errlen,
			  uint64_t *generation)
{
	struct mg_diags d;
	struct timespec t0, t1, t2;

	/* Check first with every diagnostic reported (the swap itself keeps
	 * only the first): nothing changes when this fails. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	mg_diags_init(&d);
	struct mg_policy *p = mg_policy_compile_file(path, &d);
	if (p == NULL) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		if (f) {
			mg_diags_print(&d, f);
			fclose(f);
		}
		/* Errors only; strip the trailing newline. */
		if (buf && len) {
			while (len && buf[len - 1] == '\n')
				buf[--len] = '\0';
			snprintf(err, errlen, "%s", buf);
		} else {
			snprintf(err, errlen, "%s: policy has errors", path);
		}
		free(buf);
		mg_diags_free(&d);
		return -EINVAL;
	}
	json_object_set_new(out, "warnings", u64(d.nwarnings));
	mg_diags_free(&d);
	mg_policy_free(p);
	clock_gettime(CLOCK_MONOTONIC, &t1);

	int rc = mg_dp_policy_swap(path, err, errlen);
	clock_gettime(CLOCK_MONOTONIC, &t2);
	if (rc != 0)
		return rc;
	*generation = mg_dp_policy_generation();
	hits_rebase(*generation);
	double check_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	double swap_ms = (double)(t2.tv_sec - t1.tv_sec) * 1e3 + (double)(t2.tv_nsec - t1.tv_nsec) / 1e6;
	json_object_set_new(out, "check_ms", json_real(check_ms));
	/* compile + scratch prepare + publish + RCU grace period + free */
	json_object_set_new(out, "swap_ms", json_real(swap_ms));
	return 0;
}

static int op_policy_show(void *ud, json_t *out, char *err, size_t errlen)
{
	const struct mg_dp_policy *pol = mg_dp_policy_current();
	if (!pol) {
		snprintf(err, errlen, "no policy is running");
		return -ENOENT;
	}
	json_object_set_new(out, "path", json_string(pol->path));
	json_object_set_new(out, "generation", u64(pol->gen));
	json_object_set_new(out, "loaded_at", iso_time(pol->loaded_unix));
	json_object_set_new(out, "mode", json_string(mg_dp_mode_str()));
	char *text = capture(mg_policy_print, pol->p);
	if (text) {
		json_object_set_new(out, "text", json_string(text));
		free(text);
	}
	{
		struct mg_policy_export ex;
		struct mg_dp_ctr c;
		json_t *rules = json_array();
		bool based = pol->gen == hits_base_gen;

		mg_dp_counters_sum(&c);
		mg_policy_export(pol->p, &ex);
		for (size_t i = 0; i <= ex.n_mms; i++) {
			/* slot 0 is the default action, listed last */
			size_t slot = i < ex.n_mms ? i + 1 : 0;
			uint64_t h = 0;
			if (slot < MG_DP_RULE_HITS - 1 || (slot == MG_DP_RULE_HITS - 1 && ex.n_mms < MG_DP_RULE_HITS - 1))
				h = c.mms_rule_hits[slot] - (based ? hits_base[slot] : 0);
			json_t *r = json_object();
			if (i < ex.n_mms) {
				json_object_set_new(r, "index", json_integer((json_int_t)i));
				json_object_set_new(r, "line", json_integer(ex.mms[i].line));
				json_object_set_new(r, "action", json_string(mg_action_str(ex.mms[i].action)));
			} else {
				json_object_set_new(r, "name", json_string("mms default"));
				json_object_set_new(r, "action", json_string(mg_action_str(ex.mms_default)));
			}
			json_object_set_new(r, "hits", u64(h));
			json_array_append_new(rules, r);
		}
		json_object_set_new(out, "rules", rules);
		json_object_set_new(out, "hits_since", json_string(based ? "load" : "start"));
	}
	char *js = capture(mg_policy_print_json, pol->p);
	if (js) {
		json_t *j = json_loads(js, JSON_DECODE_ANY, NULL);
		if (j)
			json_object_set_new(out, "policy", j);
		free(js);
	}
	return 0;
}

static int op_mode(void *ud, const char *mode, char *err, size_t errlen)
{
	if (mg_dp_mode_set(mode) != 0) {
		snprintf(err, errlen, "unknown mode '%s'", mode);
		return -EINVAL;
	}
	return 0;
}

/* `mmsgatectl metrics`: the same text /metrics serves (metrics.c). */
static int op_metrics(void *ud, json_t *out, char *err, size_t errlen)
{
	size_t len;
	char *text = mg_dp_metrics_text(&len);

	if (text == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	json_object_set_new(out, "text", json_stringn(text, len));
	free(text);
	return 0;
}

static const struct mg_ctl_ops dp_ops = {
	.status = op_status,
	.stats = op_stats,
	.flows = op_flows,
	.events_since = op_events,
	.policy_load = op_policy_load,
	.policy_show = op_policy_show,
	.mode_set = op_mode,
	.metrics = op_metrics,
};

/* ---- hooks for main.c ----------------------------------------------------- */

static int spawn_ctrl(pthread_t *tid, const char *name, void *(*fn)(void *), void *arg)
{
	/* A DPDK control thread: its affinity excludes the worker lcores. */
	return rte_ctrl_thread_create(tid, name, NULL, fn, arg);
}

int mg_dp_ctl_start(const char *path, char *err, size_t errlen)
{
	struct mg_ctl_server_conf conf = {
		.path = path,
		.gid = (gid_t)-1,
		.ops = &dp_ops,
		.spawn = spawn_ctrl,
	};
	/* MMSGATE_CTL_GID: let a group (e.g. an operators' group) use the
	 * socket (mode 0660) besides root. */
	const char *g = getenv("MMSGATE_CTL_GID");
	if (g && *g)
		conf.gid = (gid_t)strtoul(g, NULL, 10);
	ctl_srv = mg_ctl_server_start(&conf, err, errlen);
	return ctl_srv ? 0 : -1;
}

void mg_dp_ctl_stop(void)
{
	mg_ctl_server_stop(ctl_srv);
	ctl_srv = NULL;
	for (unsigned i = 0; i < EV_HIST; i++) {
		free(hist[i]);
		hist[i] = NULL;
	}
	for (unsigned i = 0; i < snap_n; i++)
		free(snap[i]);
	snap_n = 0;
}
