/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mg_policy_outcome_event(): the one decision the dataplane and replay
 * share. Engine events are built by hand (MMS PDUs with and without an
 * anomaly, malformed and non-MMS units, COTP/session units) and judged
 * under enforce and monitor mode: the combined action, what decided it,
 * deny vs would-deny, and whether the unit is worth an event.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "mg_iec61850.h"
#include "mg_policy.h"
#include "mg_policy_outcome.h"

static struct mg_policy *compile_or_die(const char *text)
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

static const char pol_text[] = "set scada { 10.0.0.10 }\n"
                               "set ieds { 10.0.0.20 }\n"
                               "ip allow mms from @scada to @ieds\n"
                               "anomaly request-before-initiate alert\n"
                               "mms allow from @scada to @ieds class read\n"
                               "mms alert from @scada to @ieds class browse\n"
                               "mms default deny\n";

struct fx {
	struct mg_policy *p;
	struct mg_policy_scratch *s;
	struct mg_policy_peer peer;
	struct mg_mms_pdu pdu;
	struct mg_ev ev;
};

static void fx_init(struct fx *x, const char *text)
{
	memset(x, 0, sizeof(*x));
	x->p = compile_or_die(text);
	x->s = mg_policy_scratch_new();
	cr_assert_not_null(x->s);
	cr_assert_eq(mg_policy_scratch_prepare(x->s, x->p), 0);
	struct mg_addr c = {.ver = 4}, sv = {.ver = 4};
	inet_pton(AF_INET, "10.0.0.10", c.a);
	inet_pton(AF_INET, "10.0.0.20", sv.a);
	uint32_t line = 0;
	cr_assert_eq(mg_policy_conn(x->p, &c, &sv, 6, 40000, 102, &x->peer, &line),
	             MG_CONN_INSPECT);
}

static void fx_fini(struct fx *x)
{
	mg_policy_scratch_free(x->s);
	mg_policy_free(x->p);
}

/* An MMS confirmed request from the client with one object. */
static const struct mg_ev *mms_ev(struct fx *x, uint16_t svc, const char *obj,
                                  enum mg_reason anomaly)
{
	memset(&x->pdu, 0, sizeof(x->pdu));
	x->pdu.type = MG_MMS_CONFIRMED_REQUEST;
	x->pdu.service = svc;
	x->pdu.has_invoke_id = true;
	if (obj) {
		struct mg_mms_obj *o = &x->pdu.obj[x->pdu.nobj++];
		const char *slash = strchr(obj, '/');
		o->kind = MG_OBJK_VARIABLE;
		o->scope = MG_OBJ_DOMAIN;
		o->domain = (const uint8_t *)obj;
		o->domain_len = (uint16_t)(slash - obj);
		o->item = (const uint8_t *)slash + 1;
		o->item_len = (uint16_t)strlen(slash + 1);
	}
	mg_iec_classify(&x->pdu);
	memset(&x->ev, 0, sizeof(x->ev));
	x->ev.kind = MG_EV_MMS;
	x->ev.dir = MG_DIR_C2S;
	x->ev.mms = &x->pdu;
	x->ev.anomaly = anomaly;
	return &x->ev;
}

static const struct mg_ev *unit_ev(struct fx *x, uint8_t kind, enum mg_reason reason)
{
	memset(&x->ev, 0, sizeof(x->ev));
	x->ev.kind = kind;
	x->ev.dir = MG_DIR_C2S;
	x->ev.reason = reason;
	return &x->ev;
}

Test(policy_outcome, severity_order)
{
	cr_assert_gt(mg_action_severity(MG_ACT_DENY), mg_action_severity(MG_ACT_ALERT));
	cr_assert_gt(mg_action_severity(MG_ACT_ALERT), mg_action_severity(MG_ACT_ALLOW));
}

Test(policy_outcome, rule_allows_read)
{
	struct fx x;
	struct mg_policy_outcome oc;
	fx_init(&x, pol_text);
	mg_policy_outcome_event(x.p, x.s, &x.peer, mms_ev(&x, MG_SVC_READ, "LD/XCBR1$ST$Pos", 0),
	                        MG_MODE_ENFORCE, &oc);
	cr_assert_eq(oc.action, MG_ACT_ALLOW);
	cr_assert_eq(oc.src, MG_OSRC_RULE);
	cr_assert(oc.have_verdict);
	cr_assert_eq(oc.v.rule_line, 5);
	cr_assert_not(oc.deny);
	cr_assert_not(oc.would_deny);
	cr_assert_not(oc.record);
	cr_assert_eq(oc.reason, MG_R_NONE);
	cr_assert_str_eq(mg_outcome_src_str(oc.src), "rule");
	fx_fini(&x);
}

Test(policy_outcome, default_deny_enforce_and_monitor)
{
	struct fx x;
	struct mg_policy_outcome oc;
	fx_init(&x, pol_text);
	mg_policy_outcome_event(x.p, x.s, &x.peer,
	                        mms_ev(&x, MG_SVC_WRITE, "LD/CSWI1$CO$Pos$Oper", 0),
	                        MG_MODE_ENFORCE, &oc);
	cr_assert_eq(oc.action, MG_ACT_DENY);
	cr_assert_eq(oc.src, MG_OSRC_DEFAULT);
	cr_assert(oc.deny);
	cr_assert_not(oc.would_deny);
	cr_assert(oc.record);
	/* The same unit under monitor mode: would deny, passes. */
	mg_policy_outcome_event(x.p, x.s, &x.peer,
	                        mms_ev(&x, MG_SVC_WRITE, "LD/CSWI1$CO$Pos$Oper", 0),
	                        MG_MODE_MONITOR, &oc);
	cr_assert_eq(oc.action, MG_ACT_DENY);
	cr_assert_not(oc.deny);
	cr_assert(oc.would_deny);
	cr_assert(oc.record);
	fx_fini(&x);
}

Test(policy_outcome, alert_rule_is_recorded)
{
	struct fx x;
	struct mg_policy_outcome oc;
	fx_init(&x, pol_text);
	mg_policy_outcome_event(x.p, x.s, &x.peer, mms_ev(&x, MG_SVC_GET_NAME_LIST, NULL, 0),
	                        MG_MODE_ENFORCE, &oc);
	cr_assert_eq(oc.action, MG_ACT_ALERT);
	cr_assert_eq(oc.src, MG_OSRC_RULE);
	cr_assert_not(oc.deny);
	cr_assert(oc.record);
	fx_fini(&x);
}

Test(policy_outcome, anomaly_worsens_only_upwards)
{
	struct fx x;
	struct mg_policy_outcome oc;
	fx_init(&x, pol_text);
	/* read allowed by rule + an alert anomaly: alert, decided by the anomaly */
	mg_policy_outcome_event(
	    x.p, x.s, &x.peer,
	    mms_ev(&x, MG_SVC_READ, "LD/XCBR1$ST$Pos", MG_R_ANOM_REQ_BEFORE_INIT), MG_MODE_ENFORCE,
	    &oc);
	cr_assert_eq(oc.action, MG_ACT_ALERT);
	cr_assert_eq(oc.src, MG_OSRC_ANOMALY);
	cr_assert_eq(oc.reason, MG_R_ANOM_REQ_BEFORE_INIT);
	cr_assert(oc.have_verdict);
	cr_assert_eq(oc.v.action, MG_ACT_ALLOW);
	cr_assert(oc.record);
	/* read allowed + a deny anomaly (default fail closed): deny */
	mg_policy_outcome_event(
	    x.p, x.s, &x.peer,
	    mms_ev(&x, MG_SVC_READ, "LD/XCBR1$ST$Pos", MG_R_ANOM_UNSOLICITED_RESP), MG_MODE_ENFORCE,
	    &oc);
	cr_assert_eq(oc.action, MG_ACT_DENY);
	cr_assert_eq(oc.src, MG_OSRC_ANOMALY);
	cr_assert(oc.deny);
	/* write denied by default + an alert anomaly: still deny, by the verdict */
	mg_policy_outcome_event(
	    x.p, x.s, &x.peer,
	    mms_ev(&x, MG_SVC_WRITE, "LD/CSWI1$CO$Pos$Oper", MG_R_ANOM_REQ_BEFORE_INIT),
	    MG_MODE_ENFORCE, &oc);
	cr_assert_eq(oc.action, MG_ACT_DENY);
	cr_assert_eq(oc.src, MG_OSRC_DEFAULT);
	cr_assert_eq(oc.reason, MG_R_ANOM_REQ_BEFORE_INIT);
	fx_fini(&x);
}

Test(policy_outcome, malformed_and_not_mms)
{
	struct fx x;
	struct mg_policy_outcome oc;
	fx_init(&x, pol_text);
	mg_policy_outcome_event(x.p, x.s, &x.peer, unit_ev(&x, MG_EV_MALFORMED, MG_R_BER_TRUNCATED),
	                        MG_MODE_ENFORCE, &oc);
	cr_assert_eq(oc.action, MG_ACT_DENY);
	cr_assert_eq(oc.src, MG_OSRC_MALFORMED);
	cr_assert_eq(oc.reason, MG_R_BER_TRUNCATED);
	cr_assert_not(oc.have_verdict);
	cr_assert(oc.deny);
	/* a malformed unit without a named reason counts as a poisoned direction */
	mg_policy_outcome_event(x.p, x.s, &x.peer, unit_ev(&x, MG_EV_NOT_MMS, MG_R_NONE),
	                        MG_MODE_MONITOR, &oc);
	cr_assert_eq(oc.reason, MG_R_ENG_POISONED);
	cr_assert(oc.would_deny);
	cr_assert_not(oc.deny);
	fx_fini(&x);
}

Test(policy_outcome, units_without_mms_pass_silently)
{
	struct fx x;
	struct mg_policy_outcome oc;
	fx_init(&x, pol_text);
	for (uint8_t k = MG_EV_COTP; k <= MG_EV_UPPER; k++) {
		mg_policy_outcome_event(x.p, x.s, &x.peer, unit_ev(&x, k, MG_R_NONE),
		                        MG_MODE_ENFORCE, &oc);
		cr_assert_eq(oc.action, MG_ACT_ALLOW);
		cr_assert_eq(oc.src, MG_OSRC_NONE);
		cr_assert_not(oc.record);
		cr_assert_not(oc.deny);
		cr_assert_str_eq(mg_outcome_src_str(oc.src), "no-mms");
	}
	fx_fini(&x);
}

Test(policy_outcome, logging_rule_is_recorded)
{
	struct fx x;
	struct mg_policy_outcome oc;
	fx_init(&x, "set scada { 10.0.0.10 }\nset ieds { 10.0.0.20 }\n"
	            "ip allow mms from @scada to @ieds\n"
	            "mms allow from @scada to @ieds class read log\nmms default deny\n");
	mg_policy_outcome_event(x.p, x.s, &x.peer, mms_ev(&x, MG_SVC_READ, "LD/XCBR1$ST$Pos", 0),
	                        MG_MODE_ENFORCE, &oc);
	cr_assert_eq(oc.action, MG_ACT_ALLOW);
	cr_assert(oc.v.log);
	cr_assert(oc.record);
	fx_fini(&x);
}

/* How a deny is carried out: an operate denied by a bare deny is answered
 * (reply-error), the same under `deny reset` resets, a report is removed,
 * anomalies and malformed units always reset, and nothing is planned
 * without the PDU's bytes (bare MMS without presentation context). */
#include "mg_gen.h"

static const struct mg_ev *real_ev(struct fx *x, const uint8_t *m, size_t n, uint8_t dir,
                                   enum mg_reason anomaly)
{
	enum mg_reason why;
	cr_assert_eq(mg_mms_parse(m, n, &x->pdu, &why), MG_OK);
	memset(&x->ev, 0, sizeof(x->ev));
	x->ev.kind = MG_EV_MMS;
	x->ev.dir = dir;
	x->ev.mms = &x->pdu;
	x->ev.mms_bytes = m;
	x->ev.mms_len = (uint32_t)n;
	x->ev.pres_ctx = 3;
	x->ev.anomaly = anomaly;
	return &x->ev;
}

Test(policy_outcome, deny_carried_as_reply_remove_or_reset)
{
	struct fx x;
	fx_init(&x, "set scada { 10.0.0.10 }\n"
	            "set ieds { 10.0.0.20 }\n"
	            "ip allow mms from @scada to @ieds\n"
	            "mms deny reset class setting\n"
	            "mms deny class report\n"
	            "mms allow class read\n"
	            "mms default deny\n");
	struct mg_policy_outcome oc;
	uint8_t m[256];
	size_t n = mg_gen_mms_write_oper(m, sizeof(m), 42, "CTRL/CSWI1$CO$Pos$Oper", true, 1, true);
	mg_policy_outcome_event(x.p, x.s, &x.peer, real_ev(&x, m, n, MG_DIR_C2S, MG_R_NONE),
	                        MG_MODE_ENFORCE, &oc);
	cr_assert(oc.deny);
	cr_assert_eq(oc.carry, MG_REFUSE_REPLY);
	cr_assert_eq(oc.refuse.reply, MG_REFUSE_WRITE_DENIED);
	cr_assert_eq(oc.refuse.invoke_id, 42);
	cr_assert(oc.refuse.control);
	/* monitor mode says what would be sent */
	mg_policy_outcome_event(x.p, x.s, &x.peer, &x.ev, MG_MODE_MONITOR, &oc);
	cr_assert(oc.would_deny);
	cr_assert_eq(oc.carry, MG_REFUSE_REPLY);
	/* the same PDU flagged as an anomaly: reset */
	mg_policy_outcome_event(x.p, x.s, &x.peer,
	                        real_ev(&x, m, n, MG_DIR_C2S, MG_R_ANOM_DUP_INVOKE_ID),
	                        MG_MODE_ENFORCE, &oc);
	cr_assert_eq(oc.action, MG_ACT_DENY);
	cr_assert_eq(oc.carry, MG_REFUSE_RESET, "a denied anomaly always resets");
	/* no bytes / no presentation context: reset */
	real_ev(&x, m, n, MG_DIR_C2S, MG_R_NONE);
	x.ev.pres_ctx = -1;
	mg_policy_outcome_event(x.p, x.s, &x.peer, &x.ev, MG_MODE_ENFORCE, &oc);
	cr_assert_eq(oc.carry, MG_REFUSE_RESET);
	/* a setting write under `deny reset` */
	static const struct mg_gen_data v = {.kind = MG_GEN_D_INT, .i = 3};
	static const char *const sp[] = {"PROT/PTOC1$SP$StrVal$setMag$i"};
	n = mg_gen_mms_write(m, sizeof(m), 43, sp, &v, 1);
	mg_policy_outcome_event(x.p, x.s, &x.peer, real_ev(&x, m, n, MG_DIR_C2S, MG_R_NONE),
	                        MG_MODE_ENFORCE, &oc);
	cr_assert_eq(oc.action, MG_ACT_DENY);
	cr_assert_eq(oc.carry, MG_REFUSE_RESET);
	/* a report the client may not receive: removed */
	n = mg_gen_mms_info_report(m, sizeof(m), "LD0/LLN0$RP$urcb01", &v, 1);
	mg_policy_outcome_event(x.p, x.s, &x.peer, real_ev(&x, m, n, MG_DIR_S2C, MG_R_NONE),
	                        MG_MODE_ENFORCE, &oc);
	cr_assert_eq(oc.action, MG_ACT_DENY);
	cr_assert_eq(oc.carry, MG_REFUSE_REMOVE);
	/* allowed: nothing to carry */
	static const char *const rd[] = {"LD0/MMXU1$MX$TotW$mag$f"};
	n = mg_gen_mms_read(m, sizeof(m), 44, rd, 1);
	mg_policy_outcome_event(x.p, x.s, &x.peer, real_ev(&x, m, n, MG_DIR_C2S, MG_R_NONE),
	                        MG_MODE_ENFORCE, &oc);
	cr_assert_eq(oc.action, MG_ACT_ALLOW);
	fx_fini(&x);
}
