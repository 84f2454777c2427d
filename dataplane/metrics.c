/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prometheus metrics: the counters of counters.c in the text exposition
 * format, served at /metrics by libmicrohttpd's own polling thread (never a
 * worker; the scrape sums the per-worker copies without locks, like every
 * other reader) and handed to `mmsgatectl metrics` through the control
 * socket (ctl_ops.c). Labels are fixed enumerations only: side, L2 class,
 * drop reason, protocol reason, MMS service, IEC 61850 class, verdict —
 * never addresses, flows, objects or rule lines, so the series count is
 * bounded by the enums (mg_dp_metrics_series_max(); docs/deploy.md states
 * it). Services and protocol reasons appear once non-zero; everything else
 * is always present. Counters are the workers' own, never reset by a
 * policy reload, so they stay monotonic for the life of the process.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "mg_capture.h"
#include "mg_conf.h"
#include "mg_dp.h"
#include "mg_log.h"

static void head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void one(FILE *f, const char *name, const char *type, const char *help, uint64_t v)
{
	head(f, name, type, help);
	fprintf(f, "%s %" PRIu64 "\n", name, v);
}

/* Label values come from our own tables; escape anyway (\ " newline). */
static void lv(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*s, f);
	}
}

static void labelled(FILE *f, const char *name, const char *label, const char *value, uint64_t v)
{
	fprintf(f, "%s{%s=\"", name, label);
	lv(f, value);
	fprintf(f, "\"} %" PRIu64 "\n", v);
}

/* Per side 7, the enumerations, 3 verdicts, MG_METRICS_SCALARS series
 * without a label (one per one() call below: keep it in step; the
 * appliance test checks the output against this bound), 3 list bounds,
 * 3 capture causes. */
#define MG_METRICS_SCALARS 37

unsigned mg_dp_metrics_series_max(void)
{
	return 2 * 7 + MG_L2C__COUNT + MG_DPD__COUNT + (MG_R__COUNT - 1) + MG_SVC__COUNT +
	       MG_IEC__COUNT + 3 + MG_METRICS_SCALARS + 3 + 3;
}

void mg_dp_metrics_write(FILE *f)
{
	static const char *const side[2] = {"inside", "outside"};
	static const char *const verdict[3] = {"deny", "allow", "alert"};
	struct mg_dp_ctr c;
	const struct mg_dp_policy *pol = mg_dp_policy_current();

	mg_dp_counters_sum(&c);
	fprintf(f, "# mmsgate %s: at most %u series\n", MG_DP_VERSION, mg_dp_metrics_series_max());
	head(f, "mmsgate_build_info", "gauge", "Version of the running mmsgate.");
	fprintf(f, "mmsgate_build_info{version=\"%s\"} 1\n", MG_DP_VERSION);
	one(f, "mmsgate_start_time_seconds", "gauge", "Unix time the daemon started.",
	    mg_dp_start_ns / 1000000000ull);

	head(f, "mmsgate_port_received_frames_total", "counter", "Frames received per side.");
	for (unsigned s = 0; s < 2; s++)
		labelled(f, "mmsgate_port_received_frames_total", "side", side[s], c.rx[s]);
	head(f, "mmsgate_port_transmitted_frames_total", "counter", "Frames sent per side.");
	for (unsigned s = 0; s < 2; s++)
		labelled(f, "mmsgate_port_transmitted_frames_total", "side", side[s], c.tx[s]);
	head(f, "mmsgate_port_dropped_frames_total", "counter",
	     "Frames received on a side and dropped (any reason).");
	for (unsigned s = 0; s < 2; s++)
		labelled(f, "mmsgate_port_dropped_frames_total", "side", side[s], c.drop[s]);

	/* The NICs' own view (frames they could not hand to us), and links. */
	struct rte_eth_stats hw[2];
	struct rte_eth_link link[2];
	bool have_hw[2], have_link[2];
	for (unsigned s = 0; s < 2; s++) {
		have_hw[s] = rte_eth_stats_get(mg_dp_cfg.port[s], &hw[s]) == 0;
		have_link[s] = rte_eth_link_get_nowait(mg_dp_cfg.port[s], &link[s]) == 0;
	}
	head(f, "mmsgate_nic_missed_frames_total", "counter",
	     "Frames the NIC dropped for lack of room in its rx queue (imissed).");
	for (unsigned s = 0; s < 2; s++)
		if (have_hw[s])
			labelled(f, "mmsgate_nic_missed_frames_total", "side", side[s],
			         hw[s].imissed);
	head(f, "mmsgate_nic_rx_errors_total", "counter", "Erroneous frames received (ierrors).");
	for (unsigned s = 0; s < 2; s++)
		if (have_hw[s])
			labelled(f, "mmsgate_nic_rx_errors_total", "side", side[s], hw[s].ierrors);
	head(f, "mmsgate_nic_rx_nombuf_total", "counter", "Rx mbuf allocation failures.");
	for (unsigned s = 0; s < 2; s++)
		if (have_hw[s])
			labelled(f, "mmsgate_nic_rx_nombuf_total", "side", side[s],
			         hw[s].rx_nombuf);
	head(f, "mmsgate_port_link_up", "gauge", "1 when the port's link is up.");
	for (unsigned s = 0; s < 2; s++)
		if (have_link[s])
			labelled(f, "mmsgate_port_link_up", "side", side[s], link[s].link_status);

	head(f, "mmsgate_l2_frames_total", "counter", "Frames per L2 class.");
	for (unsigned i = 0; i < MG_L2C__COUNT; i++)
		labelled(f, "mmsgate_l2_frames_total", "class", mg_dp_l2_class_str(i), c.l2[i]);

	head(f, "mmsgate_drops_total", "counter",
	     "Dataplane drops per named reason (in monitor mode: would-be drops).");
	for (unsigned i = 0; i < MG_DPD__COUNT; i++)
		labelled(f, "mmsgate_drops_total", "reason", mg_dp_drop_str(i), c.dpdrop[i]);
	head(f, "mmsgate_protocol_reasons_total", "counter",
	     "Protocol, engine and anomaly reasons seen (present once non-zero).");
	for (unsigned i = 1; i < MG_R__COUNT; i++)
		if (c.reason[i])
			labelled(f, "mmsgate_protocol_reasons_total", "reason",
			         mg_reason_str((enum mg_reason)i), c.reason[i]);

	one(f, "mmsgate_mms_pdus_total", "counter", "MMS PDUs inspected.", c.mms_pdus);
	head(f, "mmsgate_mms_service_pdus_total", "counter",
	     "MMS PDUs per service (present once non-zero).");
	for (unsigned i = 0; i < MG_SVC__COUNT; i++)
		if (c.svc[i] && mg_mms_svc_name((uint16_t)i))
			labelled(f, "mmsgate_mms_service_pdus_total", "service",
			         mg_mms_svc_name((uint16_t)i), c.svc[i]);
	head(f, "mmsgate_iec61850_class_pdus_total", "counter", "MMS PDUs per IEC 61850 class.");
	for (unsigned i = 0; i < MG_IEC__COUNT; i++)
		labelled(f, "mmsgate_iec61850_class_pdus_total", "class",
		         mg_iec_class_str((uint8_t)i), c.iec[i]);
	head(f, "mmsgate_mms_verdicts_total", "counter", "MMS policy verdicts.");
	for (unsigned i = 0; i < 3; i++)
		labelled(f, "mmsgate_mms_verdicts_total", "verdict", verdict[i], c.verdict[i]);
	one(f, "mmsgate_monitor_would_deny_total", "counter",
	    "Denials not carried out because of monitor mode.", c.monitor_would_deny);

	one(f, "mmsgate_flows_opened_total", "counter", "Flows created.", c.flows_opened);
	one(f, "mmsgate_flows_closed_total", "counter", "Flows closed.", c.flows_closed);
	one(f, "mmsgate_flows_evicted_total", "counter", "Embryonic flows evicted for room.",
	    c.flows_evicted);
	one(f, "mmsgate_flows_expired_total", "counter", "Flows expired idle.", c.flows_expired);
	one(f, "mmsgate_flows_active", "gauge", "Flows in the tables now.", c.flows_active);
	one(f, "mmsgate_tcp_resets_sent_total", "counter", "TCP resets the gate sent.", c.rst_sent);
	one(f, "mmsgate_refusals_sent_total", "counter",
	    "Denied requests answered in the server's place, association kept.", c.refusals_sent);
	one(f, "mmsgate_pdus_removed_total", "counter",
	    "Denied unconfirmed PDUs cut out of their stream, association kept.", c.pdus_removed);
	one(f, "mmsgate_seqadj_bytes_dropped_total", "counter",
	    "Stream bytes cut by the sequence translator.", c.seqadj_bytes_dropped);
	one(f, "mmsgate_seqadj_bytes_injected_total", "counter",
	    "Stream bytes the gate inserted (answers).", c.seqadj_bytes_injected);
	one(f, "mmsgate_seqadj_retransmits_total", "counter",
	    "Injected answers the gate sent again.", c.seqadj_retransmits);
	one(f, "mmsgate_seqadj_flows", "gauge", "Flows under sequence translation now.",
	    c.seqadj_flows);
	one(f, "mmsgate_tcp_retransmits_forwarded_total", "counter",
	    "Retransmitted segments forwarded.", c.tcp_retrans_fwd);
	one(f, "mmsgate_tcp_gate_sacks_total", "counter",
	    "ACKs with SACK blocks for held bytes sent to their sender.", c.tcp_gate_sacks);
	one(f, "mmsgate_tcp_custody_takes_total", "counter",
	    "Times the gate took custody of a sender's held bytes (acknowledged them itself).",
	    c.tcp_custody_takes);
	one(f, "mmsgate_tcp_custody_acks_total", "counter",
	    "Cumulative ACKs the gate sent in a receiver's place, in custody.", c.tcp_custody_acks);
	one(f, "mmsgate_tcp_custody_resends_total", "counter",
	    "Segments in custody the gate sent again to their receiver.", c.tcp_custody_resends);
	one(f, "mmsgate_tcp_custody_directions", "gauge",
	    "TCP directions whose bytes are in the gate's custody now.", c.tcp_custody_now);
	one(f, "mmsgate_tcp_coalesced_total", "counter",
	    "Small in-order segments whose bytes were appended to a held segment (not drops).",
	    c.tcp_coalesced);
	one(f, "mmsgate_held_segments", "gauge", "TCP segments held awaiting a verdict now.",
	    c.held_segs);
	struct mg_vl_stats vl;

	mg_vl_stats(mg_dp_varlists, &vl);
	one(f, "mmsgate_varlists_known", "gauge",
	    "Named variable lists whose members the gate knows now.", mg_vl_count(mg_dp_varlists));
	one(f, "mmsgate_varlists_learned_total", "counter",
	    "Named variable lists learnt (define answered with success, attributes).", vl.learned);
	one(f, "mmsgate_varlists_forgotten_total", "counter",
	    "Named variable lists forgotten (deleted, redefined, last association closed).",
	    vl.forgotten);
	one(f, "mmsgate_varlists_unknown_total", "counter",
	    "Accesses naming a list whose members are unknown (judged as the worst case).",
	    vl.unknown);
	head(f, "mmsgate_varlists_not_learnt_total", "counter",
	     "Lists not learnt for lack of room, per bound.");
	labelled(f, "mmsgate_varlists_not_learnt_total", "bound", "table_full", vl.table_full);
	labelled(f, "mmsgate_varlists_not_learnt_total", "bound", "too_big", vl.too_big);
	labelled(f, "mmsgate_varlists_not_learnt_total", "bound", "ied_full", vl.ied_full);
	one(f, "mmsgate_control_selects_armed_total", "counter",
	    "Positive selects (select-before-operate) seen.", c.ctl_armed);
	one(f, "mmsgate_control_selects_expired_total", "counter",
	    "Selects that timed out unused.", c.ctl_expired);
	one(f, "mmsgate_control_models_learned_total", "counter",
	    "Control models learnt from ctlModel reads.", c.ctl_learned);
	one(f, "mmsgate_control_state_full_total", "counter",
	    "Control objects that found no free slot in their association's table.", c.ctl_full);
	one(f, "mmsgate_events_total", "counter", "Events emitted.", c.events);
	one(f, "mmsgate_events_lost_total", "counter", "Events lost to a full event ring.",
	    c.events_lost);

	one(f, "mmsgate_policy_generation", "gauge",
	    "Generation of the running policy (grows by one per successful load).",
	    pol ? pol->gen : 0);
	one(f, "mmsgate_policy_loaded_timestamp_seconds", "gauge",
	    "Unix time the running policy was loaded.", pol ? pol->loaded_unix : 0);
	one(f, "mmsgate_monitor_mode", "gauge", "1 in monitor mode, 0 when enforcing.",
	    !strcmp(mg_dp_mode_str(), "monitor"));

	if (mg_capture_on) {
		uint64_t written, ring_full, rate_limited, errors;
		mg_capture_stats(&written, &ring_full, &rate_limited, &errors);
		one(f, "mmsgate_capture_frames_total", "counter",
		    "Frames written to denied-traffic captures.", written);
		head(f, "mmsgate_capture_skipped_frames_total", "counter",
		     "Frames not captured, per cause.");
		labelled(f, "mmsgate_capture_skipped_frames_total", "cause", "ring_full",
		         ring_full);
		labelled(f, "mmsgate_capture_skipped_frames_total", "cause", "rate_limit",
		         rate_limited);
		labelled(f, "mmsgate_capture_skipped_frames_total", "cause", "write_error", errors);
	}
}

char *mg_dp_metrics_text(size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (f == NULL)
		return NULL;
	mg_dp_metrics_write(f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	if (len)
		*len = n;
	return buf;
}

/* ---- the HTTP endpoint ------------------------------------------------ */

static struct MHD_Daemon *httpd;

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_len, void **con_cls)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	unsigned status = MHD_HTTP_OK;
	char *body = NULL;
	size_t len = 0;
	static const char notfound[] = "mmsgate: see /metrics\n";

	(void)cls;
	(void)version;
	(void)upload;
	(void)con_cls;
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		ret = MHD_queue_response(conn, MHD_HTTP_METHOD_NOT_ALLOWED, r);
		MHD_destroy_response(r);
		return ret;
	}
	if (*upload_len)
		return MHD_NO;
	if (!strcmp(url, "/metrics"))
		body = mg_dp_metrics_text(&len);
	if (body) {
		r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(r, "Content-Type",
		                        "text/plain; version=0.0.4; charset=utf-8");
	} else {
		status =
		    strcmp(url, "/metrics") ? MHD_HTTP_NOT_FOUND : MHD_HTTP_INTERNAL_SERVER_ERROR;
		r = MHD_create_response_from_buffer(sizeof(notfound) - 1, (void *)notfound,
		                                    MHD_RESPMEM_PERSISTENT);
	}
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

int mg_dp_metrics_start(const char *listen, char *err, size_t errlen)
{
	char addr[64];
	uint16_t port;
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

	memset(&ss, 0, sizeof(ss));
	if (mg_conf_listen(listen, addr, sizeof(addr), &port) != 0) {
		snprintf(err, errlen, "metrics-listen '%s' is not ADDR:PORT or PORT", listen);
		return -1;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
	} else if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		flags |= MHD_USE_IPv6;
	} else {
		snprintf(err, errlen, "metrics-listen: '%s' is not an IPv4 or IPv6 address", addr);
		return -1;
	}
	/* A handful of scrapers at most: few connections, short timeouts, one
	 * thread, so a slow client cannot hold the gate's resources. */
	httpd = MHD_start_daemon(flags, port, NULL, NULL, answer, NULL, MHD_OPTION_SOCK_ADDR,
	                         (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT, (unsigned)8,
	                         MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10, MHD_OPTION_END);
	if (httpd == NULL) {
		snprintf(err, errlen, "cannot serve metrics on %s (address in use or not local?)",
		         listen);
		return -1;
	}
	mg_log(LOG_INFO, "metrics: http://%s%s%s:%u/metrics", strchr(addr, ':') ? "[" : "", addr,
	       strchr(addr, ':') ? "]" : "", port);
	return 0;
}

void mg_dp_metrics_stop(void)
{
	if (httpd) {
		MHD_stop_daemon(httpd);
		httpd = NULL;
	}
}
