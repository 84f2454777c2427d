/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Verdicts of compiled policies on hand-built MMS PDUs and connections:
 * the seed scenario (examples/seed.policy) — reads pass, writes/operates
 * from an untrusted allowlisted host are denied, a host outside the
 * allowlist cannot connect — plus object patterns, multi-object requests,
 * truncated object lists, monitor mode, L2 and anomalies.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mg_iec61850.h"
#include "mg_policy.h"
#include "mg_policy_export.h"

static struct mg_addr A(const char *s) {
	struct mg_addr a;
	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, s, a.a) == 1)
		a.ver = 4;
	else if (inet_pton(AF_INET6, s, a.a) == 1)
		a.ver = 6;
	return a;
}

static struct mg_policy *
compile_or_die(const char *text)
{
	struct mg_diags d;
	mg_diags_init(&d);
	struct mg_policy *p = mg_policy_compile_string("test.policy", text, &d);
	if (!p)
		mg_diags_print(&d, stderr);
	mg_diags_free(&d);
	cr_assert_not_null(p);
	return p;
}

static struct mg_policy *load_seed(void)
{
	struct mg_diags d;
	mg_diags_init(&d);
	struct mg_policy *p = mg_policy_compile_file(MG_SOURCE_DIR "/examples/seed.policy", &d);
	mg_diags_print(&d, stderr);
	cr_assert_eq(d.nerrors, 0);
	cr_assert_eq(d.nwarnings, 0);
	mg_diags_free(&d);
	cr_assert_not_null(p);
	return p;
}

/* One PDU with objects "domain/item" (NULL-terminated list). */
static void mkpdu(struct mg_mms_pdu *pdu, uint8_t type, uint16_t svc, const char *const *objs)
{
	memset(pdu, 0, sizeof(*pdu));
	pdu->type = type;
	pdu->service = svc;
	pdu->has_invoke_id = type == MG_MMS_CONFIRMED_REQUEST;
	for (size_t i = 0; objs && objs[i]; i++) {
		struct mg_mms_obj *o = &pdu->obj[pdu->nobj++];
		const char *slash = strchr(objs[i], '/');
		o->kind = MG_OBJK_VARIABLE;
		if (slash) {
			o->scope = MG_OBJ_DOMAIN;
			o->domain = (const uint8_t *)objs[i];
			o->domain_len = (uint16_t)(slash - objs[i]);
			o->item = (const uint8_t *)slash + 1;
			o->item_len = (uint16_t)strlen(slash + 1);
		} else {
			o->scope = MG_OBJ_VMD;
			o->item = (const uint8_t *)objs[i];
			o->item_len = (uint16_t)strlen(objs[i]);
		}
	}
	mg_iec_classify(pdu);
}

static uint8_t verdict(const struct mg_policy *p, struct mg_policy_scratch *s, const char *client,
                       const char *server, const struct mg_mms_pdu *pdu, struct mg_verdict *v)
{
	struct mg_addr c = A(client), sv = A(server);
	struct mg_policy_peer peer;
	uint32_t line;
	mg_policy_conn(p, &c, &sv, 6, 40000, 102, &peer, &line);
	mg_policy_mms_verdict(p, s, &peer, pdu->type != MG_MMS_UNCONFIRMED, pdu, v);
	return v->action;
}

Test(policy_verdict, seed_connections)
{
	struct mg_policy *p = load_seed();
	struct mg_addr scada = A("10.0.0.10"), eng = A("10.0.1.77"), hist = A("192.168.1.50"),
	               ied = A("10.0.0.20"), stranger = A("10.0.0.99"), ied6 = A("fd00:0:0:10::20"),
	               scada6 = A("fd00:0:0:10::10");
	struct mg_policy_peer peer;
	uint32_t line;
	cr_assert_eq(mg_policy_conn(p, &scada, &ied, 6, 40000, 102, &peer, &line), MG_CONN_INSPECT);
	cr_assert_eq(line, 17);
	cr_assert_eq(mg_policy_conn(p, &eng, &ied, 6, 40000, 102, &peer, &line), MG_CONN_INSPECT);
	cr_assert_eq(mg_policy_conn(p, &hist, &ied, 6, 40000, 102, &peer, &line), MG_CONN_INSPECT);
	cr_assert_eq(mg_policy_conn(p, &scada6, &ied6, 6, 40000, 102, &peer, &line),
	             MG_CONN_INSPECT);
	/* nobody else may connect, and nothing but MMS */
	cr_assert_eq(mg_policy_conn(p, &stranger, &ied, 6, 40000, 102, &peer, &line), MG_CONN_DENY);
	cr_assert_eq(line, 0);
	cr_assert_eq(mg_policy_conn(p, &scada, &ied, 6, 40000, 22, &peer, &line), MG_CONN_DENY);
	cr_assert_eq(mg_policy_conn(p, &ied, &scada, 6, 40000, 102, &peer, &line), MG_CONN_DENY);
	cr_assert_eq(mg_policy_conn(p, &scada, &ied, 17, 40000, 102, &peer, &line), MG_CONN_DENY);
	mg_policy_free(p);
}

Test(policy_verdict, seed_mms)
{
	struct mg_policy *p = load_seed();
	struct mg_policy_scratch *s = mg_policy_scratch_new();
	cr_assert_eq(mg_policy_scratch_prepare(s, p), 0);
	struct mg_mms_pdu pdu;
	struct mg_verdict v;
	static const char *const oper[] = {"CTRL/CSWI1$CO$Pos$Oper", NULL};
	static const char *const rd[] = {"CTRL/XCBR1$ST$Pos$stVal", NULL};
	static const char *const sp[] = {"PROT/PTOC1$SP$StrVal$setMag", NULL};

	/* write to CSWI1$CO$Pos$Oper: SCADA yes, historian no */
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE, oper);
	cr_assert_eq(pdu.obj[0].iec_class, MG_IEC_OPERATE);
	cr_assert_eq(verdict(p, s, "10.0.0.10", "10.0.0.20", &pdu, &v), MG_ACT_ALLOW);
	cr_assert_eq(v.rule_line, 20);
	cr_assert_eq(verdict(p, s, "192.168.1.50", "10.0.0.20", &pdu, &v), MG_ACT_DENY);
	cr_assert_eq(v.rule_index, -1);
	cr_assert_eq(v.deny_mode, MG_DENY_REPLY_ERROR);
	cr_assert_eq(v.obj_index, 0);

	/* read: everyone allowlisted */
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_READ, rd);
	cr_assert_eq(verdict(p, s, "192.168.1.50", "10.0.0.20", &pdu, &v), MG_ACT_ALLOW);
	cr_assert_eq(v.rule_line, 25);

	/* settings: engineering only */
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE, sp);
	cr_assert_eq(pdu.obj[0].iec_class, MG_IEC_SETTING);
	cr_assert_eq(verdict(p, s, "10.0.1.5", "10.0.0.20", &pdu, &v), MG_ACT_ALLOW);
	cr_assert_eq(v.rule_line, 22);
	cr_assert_eq(verdict(p, s, "10.0.0.10", "10.0.0.20", &pdu, &v), MG_ACT_DENY);

	/* file transfer: engineering only */
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_OBTAIN_FILE, NULL);
	mg_iec_classify(&pdu);
	cr_assert_eq(verdict(p, s, "10.0.1.5", "10.0.0.20", &pdu, &v), MG_ACT_ALLOW);
	cr_assert_eq(verdict(p, s, "10.0.0.10", "10.0.0.20", &pdu, &v), MG_ACT_DENY);

	/* reports from the IED: SCADA yes, historian no */
	mkpdu(&pdu, MG_MMS_UNCONFIRMED, MG_SVC_INFORMATION_REPORT, NULL);
	cr_assert_eq(pdu.iec_class, MG_IEC_REPORT);
	cr_assert_eq(verdict(p, s, "10.0.0.10", "10.0.0.20", &pdu, &v), MG_ACT_ALLOW);
	cr_assert_eq(verdict(p, s, "192.168.1.50", "10.0.0.20", &pdu, &v), MG_ACT_DENY);

	/* initiate: association for everyone allowlisted */
	mkpdu(&pdu, MG_MMS_INITIATE_REQUEST, MG_SVC_INITIATE, NULL);
	cr_assert_eq(verdict(p, s, "192.168.1.50", "10.0.0.20", &pdu, &v), MG_ACT_ALLOW);

	/* responses are not judged here */
	mkpdu(&pdu, MG_MMS_CONFIRMED_RESPONSE, MG_SVC_WRITE, NULL);
	cr_assert_eq(verdict(p, s, "192.168.1.50", "10.0.0.20", &pdu, &v), MG_ACT_ALLOW);
	cr_assert_not(v.monitor);
	mg_policy_scratch_free(s);
	mg_policy_free(p);
}

static const char objpol[] = "set scada { 10.0.0.1 }\n"
                             "set ieds { 10.1.0.0/16 }\n"
                             "ip allow mms from any to @ieds\n"
                             "mms deny from any object \"PROT*/*\" name \"protection-locked\"\n"
                             "mms alert from @scada class operate object \"*/XCBR*$CO$Pos$*\" log\n"
                             "mms allow from @scada class operate, read, browse\n"
                             "mms allow service read\n"
                             "mms default deny reply-error\n";

Test(policy_verdict, object_patterns)
{
	struct mg_policy *p = compile_or_die(objpol);
	struct mg_policy_scratch *s = mg_policy_scratch_new();
	struct mg_mms_pdu pdu;
	struct mg_verdict v;
	static const char *const xcbr[] = {"CTRL/XCBR1$CO$Pos$Oper", NULL};
	static const char *const cswi[] = {"CTRL/CSWI1$CO$Pos$Oper", NULL};
	static const char *const prot[] = {"PROT1/PTOC1$ST$Str$general", NULL};
	static const char *const mixed[] = {"CTRL/XCBR1$ST$Pos$stVal", "PROT1/LLN0$ST$Mod$stVal",
	                                    NULL};
	/* the scratch is prepared lazily when the caller forgot */
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE, xcbr);
	for (int rep = 0; rep < 3; rep++) { /* miss, then cache hits */
		cr_assert_eq(verdict(p, s, "10.0.0.1", "10.1.2.3", &pdu, &v), MG_ACT_ALERT);
		cr_assert_eq(v.rule_line, 5);
		cr_assert(v.log);
	}
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE, cswi);
	cr_assert_eq(verdict(p, s, "10.0.0.1", "10.1.2.3", &pdu, &v), MG_ACT_ALLOW);
	cr_assert_eq(v.rule_line, 6);
	/* non-SCADA operate: default deny with reply-error */
	cr_assert_eq(verdict(p, s, "10.0.0.2", "10.1.2.3", &pdu, &v), MG_ACT_DENY);
	cr_assert_eq(v.deny_mode, MG_DENY_REPLY_ERROR);
	cr_assert_eq(v.rule_index, -1);
	/* read of PROT1: denied by name */
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_READ, prot);
	cr_assert_eq(verdict(p, s, "10.0.0.1", "10.1.2.3", &pdu, &v), MG_ACT_DENY);
	cr_assert_str_eq(v.rule_name, "protection-locked");
	cr_assert_eq(v.rule_index, 0);
	/* multi-object read: the most severe object decides */
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_READ, mixed);
	cr_assert_eq(verdict(p, s, "10.0.0.2", "10.1.2.3", &pdu, &v), MG_ACT_DENY);
	cr_assert_eq(v.obj_index, 1);
	/* truncated list: unknown objects might be PROT*: deny */
	static const char *const one[] = {"CTRL/XCBR1$ST$Pos$stVal", NULL};
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_READ, one);
	cr_assert_eq(verdict(p, s, "10.0.0.2", "10.1.2.3", &pdu, &v), MG_ACT_ALLOW);
	pdu.obj_truncated = true;
	cr_assert_eq(verdict(p, s, "10.0.0.2", "10.1.2.3", &pdu, &v), MG_ACT_DENY);
	mg_policy_scratch_free(s);
	mg_policy_free(p);
}

Test(policy_verdict, scratch_two_policies)
{
	struct mg_policy *p1 = compile_or_die(objpol);
	struct mg_policy *p2 = compile_or_die("mms allow object \"CTRL/*\"\nmms default deny\n");
	struct mg_policy_scratch *s = mg_policy_scratch_new();
	cr_assert_eq(mg_policy_scratch_prepare(s, p1), 0);
	cr_assert_eq(mg_policy_scratch_prepare(s, p2), 0);
	cr_assert_eq(mg_policy_scratch_prepare(s, p1), 0);
	struct mg_mms_pdu pdu;
	struct mg_verdict v;
	static const char *const cswi[] = {"CTRL/CSWI1$CO$Pos$Oper", NULL};
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE, cswi);
	for (int i = 0; i < 4; i++) {
		cr_assert_eq(verdict(p1, s, "10.0.0.2", "10.1.2.3", &pdu, &v), MG_ACT_DENY);
		cr_assert_eq(verdict(p2, s, "10.0.0.2", "10.1.2.3", &pdu, &v), MG_ACT_ALLOW);
	}
	mg_policy_scratch_free(s);
	mg_policy_free(p1);
	mg_policy_free(p2);
}

Test(policy_verdict, monitor_and_anomalies)
{
	struct mg_policy *p = compile_or_die("mode monitor\n"
	                                     "anomaly request-before-initiate alert\n"
	                                     "mms default deny log\n");
	cr_assert_eq(mg_policy_mode(p), MG_MODE_MONITOR);
	struct mg_mms_pdu pdu;
	struct mg_verdict v;
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_READ, NULL);
	cr_assert_eq(verdict(p, NULL, "10.0.0.1", "10.0.0.2", &pdu, &v), MG_ACT_DENY);
	cr_assert(v.monitor);
	cr_assert(v.log);
	cr_assert_eq(mg_policy_anomaly_action(p, MG_R_ANOM_REQ_BEFORE_INIT), MG_ACT_ALERT);
	cr_assert_eq(mg_policy_anomaly_action(p, MG_R_ANOM_UNSOLICITED_RESP), MG_ACT_DENY);
	cr_assert_eq(mg_policy_anomaly_action(p, MG_R_BER_TRUNCATED), MG_ACT_DENY);
	mg_policy_free(p);
}

Test(policy_verdict, l2)
{
	struct mg_policy *p = load_seed();
	cr_assert_eq(mg_policy_l2(p, 0x88B8, 100), MG_L2_PASS);
	cr_assert_eq(mg_policy_l2(p, 0x88BA, 101), MG_L2_PASS);
	cr_assert_eq(mg_policy_l2(p, 0x88B8, 102), MG_L2_DROP);
	cr_assert_eq(mg_policy_l2(p, 0x88B8, MG_VID_UNTAGGED), MG_L2_DROP);
	cr_assert_eq(mg_policy_l2(p, 0x88B8, 0), MG_L2_DROP);
	cr_assert_eq(mg_policy_l2(p, 0x0806, MG_VID_UNTAGGED), MG_L2_PASS);
	cr_assert_eq(mg_policy_l2(p, 0x0806, 7), MG_L2_PASS);
	cr_assert_eq(mg_policy_l2(p, 0x0800, MG_VID_UNTAGGED), MG_L2_IP);
	cr_assert_eq(mg_policy_l2(p, 0x86DD, 12), MG_L2_IP);
	cr_assert_eq(mg_policy_l2(p, 0x88F7, MG_VID_UNTAGGED), MG_L2_DROP);
	cr_assert_eq(mg_policy_l2(p, 0x88CC, MG_VID_UNTAGGED), MG_L2_DROP);
	cr_assert_not(mg_policy_allow_fragments(p));
	mg_policy_free(p);

	p = compile_or_die("l2 pass ptp, 0x88E3 vlan untagged, priority-tagged, 7\n"
	                   "l2 pass ipv4 vlan 10\nfragments allow\n");
	cr_assert_eq(mg_policy_l2(p, 0x88F7, MG_VID_UNTAGGED), MG_L2_PASS);
	cr_assert_eq(mg_policy_l2(p, 0x88E3, 0), MG_L2_PASS);
	cr_assert_eq(mg_policy_l2(p, 0x88E3, 7), MG_L2_PASS);
	cr_assert_eq(mg_policy_l2(p, 0x88E3, 8), MG_L2_DROP);
	cr_assert_eq(mg_policy_l2(p, 0x0800, 10), MG_L2_IP);
	cr_assert_eq(mg_policy_l2(p, 0x0800, 11), MG_L2_DROP);
	cr_assert_eq(mg_policy_l2(p, 0x86DD, 11), MG_L2_IP);
	cr_assert(mg_policy_allow_fragments(p));
	mg_policy_free(p);
}

/* l2 appid/dst: a VLAN opened only by stream rules answers MG_L2_STREAM,
 * and the stream lookup passes exactly the declared (VID, APPID, MAC). */
Test(policy_verdict, l2_streams)
{
	static const uint8_t m1[6] = {0x01, 0x0c, 0xcd, 0x01, 0x00, 0x01};
	static const uint8_t m2[6] = {0x01, 0x0c, 0xcd, 0x01, 0x00, 0x02};
	static const uint8_t m3[6] = {0x01, 0x0c, 0xcd, 0x04, 0x00, 0x10};
	static const uint8_t bc[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct mg_policy *p = compile_or_die(
	    "l2 pass goose vlan 10 appid 0x3001 dst 01:0c:cd:01:00:01\n"
	    "l2 pass goose vlan 10, untagged appid 0x3002, 0x3010-0x301f\n"
	    "l2 pass sv vlan 1-4094 appid 0x4000 dst 01:0c:cd:04:00:00-01:0c:cd:04:00:ff\n"
	    "l2 pass goose vlan 20\n"
	    "l2 pass goose vlan 20 appid 1\n"
	    "l2 pass arp dst ff:ff:ff:ff:ff:ff\n");
	cr_assert_eq(mg_policy_l2(p, 0x88B8, 10), MG_L2_STREAM);
	cr_assert_eq(mg_policy_l2(p, 0x88B8, MG_VID_UNTAGGED), MG_L2_STREAM);
	cr_assert_eq(mg_policy_l2(p, 0x88B8, 11), MG_L2_DROP);
	cr_assert_eq(mg_policy_l2(p, 0x88B8, 20), MG_L2_PASS); /* a plain rule opens it */
	cr_assert_eq(mg_policy_l2(p, 0x88BA, 300), MG_L2_STREAM);
	cr_assert_eq(mg_policy_l2(p, 0x88BA, 0), MG_L2_DROP);
	cr_assert_eq(mg_policy_l2(p, 0x0806, 5), MG_L2_STREAM);
	cr_assert_eq(mg_policy_l2_stream(p, 0x88B8, 10, 0x3001, m1), MG_L2_PASS);
	cr_assert_eq(mg_policy_l2_stream(p, 0x88B8, 10, 0x3001, m2), MG_L2_UNKNOWN_STREAM);
	cr_assert_eq(mg_policy_l2_stream(p, 0x88B8, 10, 0x3003, m1), MG_L2_UNKNOWN_STREAM);
	cr_assert_eq(mg_policy_l2_stream(p, 0x88B8, 10, 0x3002, m2), MG_L2_PASS);
	cr_assert_eq(mg_policy_l2_stream(p, 0x88B8, MG_VID_UNTAGGED, 0x3002, m2), MG_L2_PASS);
	cr_assert_eq(mg_policy_l2_stream(p, 0x88B8, MG_VID_UNTAGGED, 0x3001, m1),
	             MG_L2_UNKNOWN_STREAM);
	cr_assert_eq(mg_policy_l2_stream(p, 0x88B8, 10, 0x3015, bc), MG_L2_PASS);
	cr_assert_eq(mg_policy_l2_stream(p, 0x88B8, 10, 0x3020, bc), MG_L2_UNKNOWN_STREAM);
	cr_assert_eq(mg_policy_l2_stream(p, 0x88B8, 10, MG_APPID_NONE, m1), MG_L2_UNKNOWN_STREAM);
	cr_assert_eq(mg_policy_l2_stream(p, 0x88BA, 4094, 0x4000, m3), MG_L2_PASS);
	cr_assert_eq(mg_policy_l2_stream(p, 0x88BA, 4094, 0x4000, m1), MG_L2_UNKNOWN_STREAM);
	cr_assert_eq(mg_policy_l2_stream(p, 0x0806, 5, MG_APPID_NONE, bc), MG_L2_PASS);
	cr_assert_eq(mg_policy_l2_stream(p, 0x0806, 5, MG_APPID_NONE, m1), MG_L2_UNKNOWN_STREAM);
	mg_policy_free(p);

	/* appid only where frames carry one; dst not on IP; bad literals */
	static const char *const bad[] = {
	    "l2 pass arp appid 1\n", "l2 pass ipv4 dst 01:0c:cd:01:00:01\n",
	    "l2 pass goose appid 0x10000\n", "l2 pass goose dst 01:0c:cd:01:00\n",
	    "l2 pass goose dst 01-0c-cd-01-00-01\n", "l2 pass goose appid 1 appid 2\n",
	    "l2 pass goose dst 01:0c:cd:01:00:09-01:0c:cd:01:00:01\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct mg_diags d;
		mg_diags_init(&d);
		struct mg_policy *q = mg_policy_compile_string("t", bad[i], &d);
		cr_assert_null(q, "accepted: %s", bad[i]);
		cr_assert_gt(d.nerrors, 0);
		mg_diags_free(&d);
	}
}

Test(policy_verdict, ip_services)
{
	struct mg_policy *p = compile_or_die("set ntp { 192.168.0.1 }\nset lan { 192.168.0.0/24 }\n"
	                                     "ip allow ntp from @lan to @ntp\n"
	                                     "ip allow tls from @lan to any\n"
	                                     "ip allow icmp echo from @lan to @lan\n"
	                                     "ip deny tcp 100-200 from 192.168.0.66 to any\n"
	                                     "ip allow tcp 1-1000 from @lan to @lan\n");
	struct mg_addr a = A("192.168.0.5"), n = A("192.168.0.1"), bad = A("192.168.0.66"),
	               out = A("8.8.8.8");
	struct mg_policy_peer peer;
	uint32_t line;
	cr_assert_eq(mg_policy_conn(p, &a, &n, 17, 5000, 123, &peer, &line), MG_CONN_ALLOW);
	cr_assert_eq(line, 3);
	cr_assert_eq(mg_policy_conn(p, &a, &a, 17, 5000, 123, &peer, &line), MG_CONN_DENY);
	cr_assert_eq(mg_policy_conn(p, &a, &out, 6, 5000, 3782, &peer, &line), MG_CONN_ALLOW);
	cr_assert_eq(mg_policy_conn(p, &a, &n, 1, 0, 8, &peer, &line), MG_CONN_ALLOW);
	cr_assert_eq(mg_policy_conn(p, &a, &n, 1, 0, 13, &peer, &line), MG_CONN_DENY);
	cr_assert_eq(mg_policy_conn(p, &bad, &n, 6, 5000, 150, &peer, &line), MG_CONN_DENY);
	cr_assert_eq(line, 6);
	cr_assert_eq(mg_policy_conn(p, &a, &n, 6, 5000, 150, &peer, &line), MG_CONN_ALLOW);
	/* tcp ranges covering 102 are always inspected */
	cr_assert_eq(mg_policy_conn(p, &a, &n, 6, 5000, 102, &peer, &line), MG_CONN_INSPECT);
	struct mg_policy_export x;
	mg_policy_export(p, &x);
	cr_assert_eq(x.n_sets, 3); /* ntp, lan, inline {192.168.0.66} */
	cr_assert_eq(x.conn_default, MG_CONN_DENY);
	cr_assert_gt(x.n_conn, 5);
	mg_policy_free(p);
}

Test(policy_verdict, many_inline_hosts)
{
	/* 400 rules naming 50 distinct inline hosts: inline sets are shared */
	char *text = malloc(64 * 1024);
	size_t n = 0;
	for (int i = 0; i < 400; i++)
		n += (size_t)sprintf(text + n, "mms allow from 10.0.0.%d class read\n", i % 50);
	text[n] = 0;
	struct mg_policy *p = compile_or_die(text);
	free(text);
	struct mg_policy_export x;
	mg_policy_export(p, &x);
	cr_assert_eq(x.n_sets, 50);
	struct mg_mms_pdu pdu;
	struct mg_verdict v;
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_READ, NULL);
	cr_assert_eq(verdict(p, NULL, "10.0.0.7", "10.9.9.9", &pdu, &v), MG_ACT_ALLOW);
	cr_assert_eq(v.rule_line, 8);
	cr_assert_eq(verdict(p, NULL, "10.0.0.70", "10.9.9.9", &pdu, &v), MG_ACT_DENY);
	mg_policy_free(p);
}

static struct mg_policy *load_example(const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), MG_SOURCE_DIR "/examples/%s", name);
	struct mg_diags d;
	mg_diags_init(&d);
	struct mg_policy *p = mg_policy_compile_file(path, &d);
	mg_diags_print(&d, stderr);
	cr_assert_eq(d.nerrors + d.nwarnings, 0);
	mg_diags_free(&d);
	cr_assert_not_null(p);
	return p;
}

Test(policy_verdict, example_maintenance)
{
	struct mg_policy *p = load_example("maintenance.policy");
	struct mg_policy_scratch *s = mg_policy_scratch_new();
	struct mg_mms_pdu pdu;
	struct mg_verdict v;
	static const char *const oper[] = {"BAY2CTRL/XCBR1$CO$Pos$Oper", NULL};
	static const char *const sp[] = {"BAY2PROT/PTOC1$SP$StrVal$setMag$f", NULL};
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE, oper);
	/* the laptop on the bay under test: allowed and logged */
	cr_assert_eq(verdict(p, s, "10.10.2.50", "10.20.0.21", &pdu, &v), MG_ACT_ALLOW);
	cr_assert_str_eq(v.rule_name, "maintenance");
	cr_assert(v.log);
	/* the laptop on another bay's breaker: locked */
	cr_assert_eq(verdict(p, s, "10.10.2.50", "10.20.0.22", &pdu, &v), MG_ACT_DENY);
	cr_assert_str_eq(v.rule_name, "other-bays-locked");
	/* SCADA operates: alert */
	cr_assert_eq(verdict(p, s, "10.10.1.10", "10.20.0.22", &pdu, &v), MG_ACT_ALERT);
	cr_assert_str_eq(v.rule_name, "scada-control");
	/* settings: only the laptop, only on the bay under test */
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE, sp);
	cr_assert_eq(verdict(p, s, "10.10.2.50", "10.20.0.21", &pdu, &v), MG_ACT_ALLOW);
	cr_assert_eq(verdict(p, s, "10.10.2.50", "10.20.0.22", &pdu, &v), MG_ACT_DENY);
	cr_assert_eq(v.rule_index, -1);
	cr_assert_eq(verdict(p, s, "10.10.1.10", "10.20.0.21", &pdu, &v), MG_ACT_DENY);
	mg_policy_scratch_free(s);
	mg_policy_free(p);
}

Test(policy_verdict, example_monitoring)
{
	struct mg_policy *p = load_example("monitoring.policy");
	struct mg_mms_pdu pdu;
	struct mg_verdict v;
	static const char *const rd[] = {"LD0/MMXU1$MX$TotW$mag$f", NULL};
	static const char *const sbo[] = {"LD0/CSWI1$CO$Pos$SBO", NULL};
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_READ, rd);
	cr_assert_eq(verdict(p, NULL, "10.40.0.10", "10.20.0.3", &pdu, &v), MG_ACT_ALLOW);
	cr_assert_str_eq(v.rule_name, "read-only");
	cr_assert(v.monitor);
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_READ, sbo);
	cr_assert_eq(pdu.obj[0].iec_class, MG_IEC_SELECT);
	cr_assert_eq(verdict(p, NULL, "10.40.0.10", "10.20.0.3", &pdu, &v), MG_ACT_DENY);
	cr_assert(v.monitor); /* evaluated and logged, forwarded by the caller */
	cr_assert(v.log);
	cr_assert_eq(mg_policy_anomaly_action(p, MG_R_ANOM_REQ_BEFORE_INIT), MG_ACT_ALERT);
	cr_assert_eq(mg_policy_l2(p, 0x88F7, MG_VID_UNTAGGED), MG_L2_PASS);
	cr_assert_eq(mg_policy_l2(p, 0x88F7, 5), MG_L2_DROP);
	mg_policy_free(p);
}

Test(policy_verdict, icmp_nd)
{
	struct mg_policy *p = load_example("seed.policy");
	struct mg_addr a = A("fe80::1"), b = A("ff02::1:ff00:20");
	struct mg_policy_peer peer;
	uint32_t line;
	cr_assert_eq(mg_policy_conn(p, &a, &b, 58, 0, 135, &peer, &line), MG_CONN_ALLOW);
	cr_assert_eq(line, 18);
	cr_assert_eq(mg_policy_conn(p, &a, &b, 58, 0, 128, &peer, &line), MG_CONN_DENY);
	cr_assert_eq(mg_policy_conn(p, &a, &b, 1, 0, 135, &peer, &line), MG_CONN_DENY);
	mg_policy_free(p);
}

/* Deny modes: bare deny = reply-error, reset and its old spelling drop
 * reset; the default's mode follows `mms default deny [mode]`. */
Test(policy_verdict, deny_modes)
{
	struct mg_diags d;
	mg_diags_init(&d);
	struct mg_policy *p =
	    mg_policy_compile_string("modes.policy",
	                             "ip allow mms from any to any\n"
	                             "mms deny service write\n"
	                             "mms deny reset service read\n"
	                             "mms deny drop service getNameList\n"
	                             "mms deny reply-error service identify, informationReport\n"
	                             "mms allow service status\n"
	                             "mms default deny reset\n",
	                             &d);
	cr_assert_not_null(p);
	cr_assert_eq(d.nerrors, 0);
	cr_assert_eq(d.nwarnings, 0);
	cr_assert_eq(d.nnotes, 2, "drop spelled out, informationReport unanswerable: %zu",
	             d.nnotes);
	mg_diags_free(&d);
	struct mg_policy_scratch *s = mg_policy_scratch_new();
	struct mg_mms_pdu pdu;
	struct mg_verdict v;
	static const struct {
		uint16_t svc;
		uint8_t action, mode;
	} want[] = {
	    {MG_SVC_WRITE, MG_ACT_DENY, MG_DENY_REPLY_ERROR},
	    {MG_SVC_READ, MG_ACT_DENY, MG_DENY_RESET},
	    {MG_SVC_GET_NAME_LIST, MG_ACT_DENY, MG_DENY_RESET},
	    {MG_SVC_IDENTIFY, MG_ACT_DENY, MG_DENY_REPLY_ERROR},
	    {MG_SVC_STATUS, MG_ACT_ALLOW, 0},
	    {MG_SVC_FILE_OPEN, MG_ACT_DENY, MG_DENY_RESET}, /* the default */
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, want[i].svc, NULL);
		cr_assert_eq(verdict(p, s, "10.0.0.1", "10.1.2.3", &pdu, &v), want[i].action,
		             "service %u", want[i].svc);
		if (want[i].action == MG_ACT_DENY)
			cr_assert_eq(v.deny_mode, want[i].mode, "service %u", want[i].svc);
	}
	cr_assert_str_eq(mg_deny_mode_str(MG_DENY_RESET), "reset");
	cr_assert_str_eq(mg_deny_mode_str(MG_DENY_REPLY_ERROR), "reply-error");
	mg_policy_scratch_free(s);
	mg_policy_free(p);
}

/* "*\/…" reaches the item in every scope: a deny rule cannot be escaped by
 * naming the object VMD- or AA-specific; "?*\/…" means domain names only. */
Test(policy_verdict, any_domain_pattern_covers_every_scope)
{
	struct mg_policy *p = compile_or_die(
	    "set ieds { 10.1.0.0/16 }\n"
	    "ip allow mms to @ieds\n"
	    "mms deny class operate object \"*/XCBR*$CO$Pos$Oper\"\n"
	    "mms deny class setting object \"?*/PTOC*\"\n"
	    "mms allow class operate, setting, read\n");
	struct mg_policy_scratch *s = mg_policy_scratch_new();
	struct mg_mms_pdu pdu;
	struct mg_verdict v;
	static const char *const dom[] = {"CTRL/XCBR1$CO$Pos$Oper", NULL};
	static const char *const vmd[] = {"XCBR1$CO$Pos$Oper", NULL};
	static const char *const other[] = {"CSWI1$CO$Pos$Oper", NULL};
	static const char *const sp_dom[] = {"PROT/PTOC1$SP$StrVal$setMag$f", NULL};
	static const char *const sp_vmd[] = {"PTOC1$SP$StrVal$setMag$f", NULL};

	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE, dom);
	cr_assert_eq(verdict(p, s, "10.0.0.1", "10.1.2.3", &pdu, &v), MG_ACT_DENY);
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE, vmd);
	cr_assert_eq(verdict(p, s, "10.0.0.1", "10.1.2.3", &pdu, &v), MG_ACT_DENY);
	pdu.obj[0].scope = MG_OBJ_AA;
	cr_assert_eq(verdict(p, s, "10.0.0.1", "10.1.2.3", &pdu, &v), MG_ACT_DENY);
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE, other);
	cr_assert_eq(verdict(p, s, "10.0.0.1", "10.1.2.3", &pdu, &v), MG_ACT_ALLOW);
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE, sp_dom);
	cr_assert_eq(verdict(p, s, "10.0.0.1", "10.1.2.3", &pdu, &v), MG_ACT_DENY);
	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_WRITE, sp_vmd);
	cr_assert_eq(verdict(p, s, "10.0.0.1", "10.1.2.3", &pdu, &v), MG_ACT_ALLOW);
	mg_policy_scratch_free(s);
	mg_policy_free(p);
}

Test(policy_verdict, check_warns_pattern_without_domain)
{
	struct mg_diags d;

	mg_diags_init(&d);
	struct mg_policy *p = mg_policy_compile_string(
	    "t.policy",
	    "mms deny class operate object \"XCBR1$CO$Pos$Oper\"\n"
	    "mms deny service fileOpen object \"secret.cfg\"\n"
	    "mms allow class read object \"*/MMXU*\", \"**\"\n",
	    &d);
	cr_assert_not_null(p);
	cr_assert_eq(d.nwarnings, 1);
	cr_assert_eq(d.v[0].line, 1);
	cr_assert(strstr(d.v[0].msg, "has no '/'"), "%s", d.v[0].msg);
	mg_diags_free(&d);
	mg_policy_free(p);
}

/* A dataset read with unknown members is its own class: allowed only by a
 * rule that names it (the documented HMI line). */
Test(policy_verdict, dataset_read_needs_explicit_rule)
{
	struct mg_policy *p = compile_or_die(
	    "set hmi { 10.0.0.5 }\n"
	    "set ieds { 10.1.0.0/16 }\n"
	    "ip allow mms to @ieds\n"
	    "mms allow from @hmi to @ieds service read class dataset-read object \"*/LLN0$*\"\n"
	    "mms allow to @ieds class association, browse, read\n");
	struct mg_policy_scratch *s = mg_policy_scratch_new();
	struct mg_mms_pdu pdu;
	struct mg_verdict v;
	static const char *const ds[] = {"LD0/LLN0$DS1", NULL};

	mkpdu(&pdu, MG_MMS_CONFIRMED_REQUEST, MG_SVC_READ, ds);
	pdu.obj[0].kind = MG_OBJK_VARLIST;
	mg_iec_classify(&pdu);
	cr_assert_eq(pdu.iec_class, MG_IEC_DATASET_READ);
	cr_assert_eq(verdict(p, s, "10.0.0.5", "10.1.2.3", &pdu, &v), MG_ACT_ALLOW);
	cr_assert_eq(v.rule_line, 4);
	cr_assert_eq(verdict(p, s, "10.0.0.6", "10.1.2.3", &pdu, &v), MG_ACT_DENY);
	mg_policy_scratch_free(s);
	mg_policy_free(p);
}
