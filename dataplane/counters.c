/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Counters: every worker owns one cache-aligned struct mg_dp_ctr and is its
 * only writer; readers (the main thread, the control server, DPDK telemetry)
 * sum the per-lcore copies word by word without locks. Names of drop
 * reasons are stable strings (VPP error-string style) so scripts can key on
 * them. Printing in human and JSON form lives here too.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_telemetry.h>

#include "mg_dp.h"

static const char *const l2_names[MG_L2C__COUNT] = {
	"goose", "gse", "sv", "arp", "ptp", "lldp", "ipv4", "ipv6", "other",
};

static const char *const drop_names[MG_DPD__COUNT] = {
#define MG_DP_DROP_STR(sym, str) str,
	MG_DP_DROPS(MG_DP_DROP_STR)
#undef MG_DP_DROP_STR
};

const char *mg_dp_l2_class_str(unsigned c)
{
	return c < MG_L2C__COUNT ? l2_names[c] : "?";
}

const char *mg_dp_drop_str(unsigned d)
{
	return d < MG_DPD__COUNT ? drop_names[d] : "?";
}

void mg_dp_counters_sum(struct mg_dp_ctr *out)
{
	uint64_t *o = (uint64_t *)out;

	memset(out, 0, sizeof(*out));
	for (unsigned w = 0; w < mg_dp_nworkers; w++) {
		const volatile uint64_t *s = (const volatile uint64_t *)mg_dp_lcores[w].ctr;
		if (s == NULL)
			continue;
		for (size_t i = 0; i < MG_DP_CTR_WORDS; i++)
			o[i] += s[i];
	}
}

static const char *side_name(unsigned s)
{
	return s == MG_SIDE_INSIDE ? "inside" : "outside";
}

void mg_dp_counters_print(FILE *f, const struct mg_dp_ctr *c)
{
	fprintf(f, "ports:\n");
	for (unsigned s = 0; s < 2; s++)
		fprintf(f, "  %-8s port %u  rx %" PRIu64 "  tx %" PRIu64 "  drop %" PRIu64 "\n",
			side_name(s), mg_dp_cfg.port[s], c->rx[s], c->tx[s], c->drop[s]);
	fprintf(f, "l2 classes:");
	for (unsigned i = 0; i < MG_L2C__COUNT; i++)
		if (c->l2[i])
			fprintf(f, " %s=%" PRIu64, l2_names[i], c->l2[i]);
	fprintf(f, "\nflows: opened %" PRIu64 " closed %" PRIu64 " evicted %" PRIu64
		   " expired %" PRIu64 " active %" PRIu64 "  rst sent %" PRIu64 "\n",
		c->flows_opened, c->flows_closed, c->flows_evicted, c->flows_expired,
		c->flows_active, c->rst_sent);
	struct mg_vl_stats vl;

	mg_vl_stats(mg_dp_varlists, &vl); /* shared by the workers, not per lcore */
	fprintf(f, "variable lists: known %u  learned %" PRIu64 " forgotten %" PRIu64
		   "  expanded %" PRIu64 " unknown %" PRIu64 "  table full %" PRIu64
		   " too big %" PRIu64 " ied full %" PRIu64 "\n",
		mg_vl_count(mg_dp_varlists), vl.learned, vl.forgotten, vl.expanded, vl.unknown,
		vl.table_full, vl.too_big, vl.ied_full);
	if (c->ctl_armed || c->ctl_expired || c->ctl_learned || c->ctl_full)
		fprintf(f, "control: selects armed %" PRIu64 " expired %" PRIu64
			   "  models learned %" PRIu64 "  state full %" PRIu64 "\n",
			c->ctl_armed, c->ctl_expired, c->ctl_learned, c->ctl_full);
	if (c->refusals_sent || c->pdus_removed || c->seqadj_flows)
		fprintf(f, "refusals: sent %" PRIu64 " removed %" PRIu64 "  translated flows %" PRIu64
			   "  bytes dropped %" PRIu64 " injected %" PRIu64 " retransmits %" PRIu64 "\n",
			c->refusals_sent, c->pdus_removed, c->seqadj_flows, c->seqadj_bytes_dropped,
			c->seqadj_bytes_injected, c->seqadj_retransmits);
	if (c->busy_frames)
		fprintf(f, "worker: %.1f cycles/frame busy (%" PRIu64 " frames)\n",
			(double)c->busy_cycles / (double)c->busy_frames, c->busy_frames);
	fprintf(f, "mms: pdus %" PRIu64 "  allow %" PRIu64 " alert %" PRIu64 " deny %" PRIu64
		   " (monitor would deny %" PRIu64 ")\n",
		c->mms_pdus, c->verdict[MG_ACT_ALLOW], c->verdict[MG_ACT_ALERT],
		c->verdict[MG_ACT_DENY], c->monitor_would_deny);
	fprintf(f, "mms services:");
	for (unsigned i = 0; i < MG_SVC__COUNT; i++)
		if (c->svc[i])
			fprintf(f, " %s=%" PRIu64, mg_mms_svc_name((uint16_t)i), c->svc[i]);
	fprintf(f, "\niec61850 classes:");
	for (unsigned i = 0; i < MG_IEC__COUNT; i++)
		if (c->iec[i])
			fprintf(f, " %s=%" PRIu64, mg_iec_class_str((uint8_t)i), c->iec[i]);
	fprintf(f, "\ndrops:\n");
	for (unsigned i = 0; i < MG_DPD__COUNT; i++)
		if (c->dpdrop[i])
			fprintf(f, "  %-32s %" PRIu64 "\n", drop_names[i], c->dpdrop[i]);
	fprintf(f, "protocol reasons:\n");
	for (unsigned i = 1; i < MG_R__COUNT; i++)
		if (c->reason[i])
			fprintf(f, "  %-32s %" PRIu64 "\n", mg_reason_str((enum mg_reason)i),
				c->reason[i]);
	fprintf(f, "events: %" PRIu64 " (lost %" PRIu64 ")  held segments now %" PRIu64 "\n",
		c->events, c->events_lost, c->held_segs);
}

void mg_dp_counters_print_json(FILE *f, const struct mg_dp_ctr *c)
{
	fprintf(f, "{\"ports\":{");
	for (unsigned s = 0; s < 2; s++)
		fprintf(f, "%s\"%s\":{\"port\":%u,\"rx\":%" PRIu64 ",\"tx\":%" PRIu64
			   ",\"drop\":%" PRIu64 "}",
			s ? "," : "", side_name(s), mg_dp_cfg.port[s], c->rx[s], c->tx[s],
			c->drop[s]);
	fprintf(f, "},\"l2\":{");
	for (unsigned i = 0; i < MG_L2C__COUNT; i++)
		fprintf(f, "%s\"%s\":%" PRIu64, i ? "," : "", l2_names[i], c->l2[i]);
	fprintf(f, "},\"flows\":{\"opened\":%" PRIu64 ",\"closed\":%" PRIu64
		   ",\"evicted\":%" PRIu64 ",\"expired\":%" PRIu64 ",\"active\":%" PRIu64 "}",
		c->flows_opened, c->flows_closed, c->flows_evicted, c->flows_expired,
		c->flows_active);
	fprintf(f, ",\"rst_sent\":%" PRIu64 ",\"mms_pdus\":%" PRIu64, c->rst_sent, c->mms_pdus);
	struct mg_vl_stats vl;

	mg_vl_stats(mg_dp_varlists, &vl);
	fprintf(f,
		",\"varlists\":{\"known\":%u,\"learned\":%" PRIu64 ",\"forgotten\":%" PRIu64
		",\"expanded\":%" PRIu64 ",\"unknown\":%" PRIu64 ",\"table_full\":%" PRIu64
		",\"too_big\":%" PRIu64 ",\"ied_full\":%" PRIu64 ",\"read_retry_out\":%" PRIu64 "}",
		mg_vl_count(mg_dp_varlists), vl.learned, vl.forgotten, vl.expanded, vl.unknown,
		vl.table_full, vl.too_big, vl.ied_full, vl.read_retry_out);
	fprintf(f,
		",\"control\":{\"selects_armed\":%" PRIu64 ",\"selects_expired\":%" PRIu64
		",\"models_learned\":%" PRIu64 ",\"state_full\":%" PRIu64 "}",
		c->ctl_armed, c->ctl_expired, c->ctl_learned, c->ctl_full);
	fprintf(f, ",\"refusals\":{\"sent\":%" PRIu64 ",\"removed\":%" PRIu64
		   ",\"flows\":%" PRIu64 ",\"bytes_dropped\":%" PRIu64 ",\"bytes_injected\":%" PRIu64
		   ",\"retransmits\":%" PRIu64 "}",
		c->refusals_sent, c->pdus_removed, c->seqadj_flows, c->seqadj_bytes_dropped,
		c->seqadj_bytes_injected, c->seqadj_retransmits);
	fprintf(f, ",\"busy\":{\"cycles\":%" PRIu64 ",\"frames\":%" PRIu64
		   ",\"cycles_per_frame\":%.1f}",
		c->busy_cycles, c->busy_frames,
		c->busy_frames ? (double)c->busy_cycles / (double)c->busy_frames : 0.0);
	fprintf(f, ",\"verdicts\":{\"allow\":%" PRIu64 ",\"alert\":%" PRIu64 ",\"deny\":%" PRIu64
		   ",\"monitor_would_deny\":%" PRIu64 "}",
		c->verdict[MG_ACT_ALLOW], c->verdict[MG_ACT_ALERT], c->verdict[MG_ACT_DENY],
		c->monitor_would_deny);
	fprintf(f, ",\"services\":{");
	bool first = true;
	for (unsigned i = 0; i < MG_SVC__COUNT; i++)
		if (c->svc[i]) {
			fprintf(f, "%s\"%s\":%" PRIu64, first ? "" : ",",
				mg_mms_svc_name((uint16_t)i), c->svc[i]);
			first = false;
		}
	fprintf(f, "},\"iec_classes\":{");
	first = true;
	for (unsigned i = 0; i < MG_IEC__COUNT; i++)
		if (c->iec[i]) {
			fprintf(f, "%s\"%s\":%" PRIu64, first ? "" : ",",
				mg_iec_class_str((uint8_t)i), c->iec[i]);
			first = false;
		}
	fprintf(f, "},\"drops\":{");
	for (unsigned i = 0; i < MG_DPD__COUNT; i++)
		fprintf(f, "%s\"%s\":%" PRIu64, i ? "," : "", drop_names[i], c->dpdrop[i]);
	fprintf(f, "},\"reasons\":{");
	first = true;
	for (unsigned i = 1; i < MG_R__COUNT; i++)
		if (c->reason[i]) {
			fprintf(f, "%s\"%s\":%" PRIu64, first ? "" : ",",
				mg_reason_str((enum mg_reason)i), c->reason[i]);
			first = false;
		}
	fprintf(f, "},\"events\":%" PRIu64 ",\"events_lost\":%" PRIu64
		   ",\"held_segments\":%" PRIu64 ",\"tcp_retransmits_forwarded\":%" PRIu64
		   ",\"tcp_coalesced\":%" PRIu64 ",\"tcp_gate_sacks\":%" PRIu64
		   ",\"tcp_custody_takes\":%" PRIu64 ",\"tcp_custody_acks\":%" PRIu64
		   ",\"tcp_custody_resends\":%" PRIu64 ",\"tcp_custody_now\":%" PRIu64
		   ",\"policy_generation\":%" PRIu64 ",\"mode\":\"%s\"}\n",
		c->events, c->events_lost, c->held_segs, c->tcp_retrans_fwd, c->tcp_coalesced,
		c->tcp_gate_sacks, c->tcp_custody_takes, c->tcp_custody_acks,
		c->tcp_custody_resends, c->tcp_custody_now,
		mg_dp_policy_generation(), mg_dp_mode_str());
}

/* ---- DPDK telemetry: /mmsgate/stats, /mmsgate/drops, /mmsgate/mms ---- */

static int tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct mg_dp_ctr c;
	char name[64];

	mg_dp_counters_sum(&c);
	rte_tel_data_start_dict(d);
	for (unsigned s = 0; s < 2; s++) {
		snprintf(name, sizeof(name), "%s_rx", side_name(s));
		rte_tel_data_add_dict_u64(d, name, c.rx[s]);
		snprintf(name, sizeof(name), "%s_tx", side_name(s));
		rte_tel_data_add_dict_u64(d, name, c.tx[s]);
		snprintf(name, sizeof(name), "%s_drop", side_name(s));
		rte_tel_data_add_dict_u64(d, name, c.drop[s]);
	}
	for (unsigned i = 0; i < MG_L2C__COUNT; i++) {
		snprintf(name, sizeof(name), "l2_%s", l2_names[i]);
		rte_tel_data_add_dict_u64(d, name, c.l2[i]);
	}
	rte_tel_data_add_dict_u64(d, "flows_active", c.flows_active);
	rte_tel_data_add_dict_u64(d, "flows_opened", c.flows_opened);
	rte_tel_data_add_dict_u64(d, "mms_pdus", c.mms_pdus);
	rte_tel_data_add_dict_u64(d, "allow", c.verdict[MG_ACT_ALLOW]);
	rte_tel_data_add_dict_u64(d, "alert", c.verdict[MG_ACT_ALERT]);
	rte_tel_data_add_dict_u64(d, "deny", c.verdict[MG_ACT_DENY]);
	rte_tel_data_add_dict_u64(d, "rst_sent", c.rst_sent);
	rte_tel_data_add_dict_u64(d, "refusals_sent", c.refusals_sent);
	rte_tel_data_add_dict_u64(d, "busy_cycles", c.busy_cycles);
	rte_tel_data_add_dict_u64(d, "busy_frames", c.busy_frames);
	rte_tel_data_add_dict_u64(d, "policy_generation", mg_dp_policy_generation());
	return 0;
}

static int tel_drops(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct mg_dp_ctr c;

	mg_dp_counters_sum(&c);
	rte_tel_data_start_dict(d);
	for (unsigned i = 0; i < MG_DPD__COUNT; i++)
		rte_tel_data_add_dict_u64(d, drop_names[i], c.dpdrop[i]);
	for (unsigned i = 1; i < MG_R__COUNT; i++)
		if (c.reason[i])
			rte_tel_data_add_dict_u64(d, mg_reason_str((enum mg_reason)i), c.reason[i]);
	return 0;
}

static int tel_mms(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct mg_dp_ctr c;

	mg_dp_counters_sum(&c);
	rte_tel_data_start_dict(d);
	for (unsigned i = 0; i < MG_SVC__COUNT; i++)
		if (c.svc[i])
			rte_tel_data_add_dict_u64(d, mg_mms_svc_name((uint16_t)i), c.svc[i]);
	for (unsigned i = 0; i < MG_IEC__COUNT; i++)
		if (c.iec[i]) {
			char name[64];
			snprintf(name, sizeof(name), "class_%s", mg_iec_class_str((uint8_t)i));
			rte_tel_data_add_dict_u64(d, name, c.iec[i]);
		}
	return 0;
}

int mg_dp_telemetry_register(void)
{
	int rc = 0;

	rc |= rte_telemetry_register_cmd("/mmsgate/stats", tel_stats,
					 "mmsgate port, L2, flow and verdict counters");
	rc |= rte_telemetry_register_cmd("/mmsgate/drops", tel_drops,
					 "mmsgate drop reasons (named)");
	rc |= rte_telemetry_register_cmd("/mmsgate/mms", tel_mms,
					 "mmsgate MMS PDUs per service and IEC 61850 class");
	return rc;
}
