/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control and value clauses and the per-association select state
 * (policy/ctlstate.c, the value clauses of verdict.c), through the shared
 * decision mg_policy_outcome_event_ctl on generated PDUs: the verdicts of
 * examples/control.policy (open allowed / close denied for SCADA, interlock
 * bypass denied, test mode only from engineering, operate after select,
 * setting range over FC SP and SE), select-before-operate in every form
 * (SBO read, SBOw with ctlNum, timeout, another association, cancel,
 * enhanced security until CommandTermination, ctlModel learned from the
 * wire, direct and unknown models never guessed), and undecodable values
 * judged as the most restrictive rule would.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "mg_gen.h"
#include "mg_mms.h"
#include "mg_pending.h"
#include "mg_policy.h"
#include "mg_policy_ctl.h"
#include "mg_policy_outcome.h"

#define SEC 1000000000ull

static struct mg_policy *pol;
static struct mg_policy_scratch *scr;

static struct mg_policy *compile_text(const char *text)
{
	struct mg_diags d;
	mg_diags_init(&d);
	struct mg_policy *p = mg_policy_compile_string("t.policy", text, &d);
	if (!p)
		mg_diags_print(&d, stderr);
	mg_diags_free(&d);
	cr_assert_not_null(p);
	return p;
}

static void load_example(void)
{
	struct mg_diags d;
	mg_diags_init(&d);
	pol = mg_policy_compile_file(MG_SOURCE_DIR "/examples/control.policy", &d);
	mg_diags_print(&d, stderr);
	cr_assert_eq(d.nwarnings, 0);
	mg_diags_free(&d);
	cr_assert_not_null(pol);
	scr = mg_policy_scratch_new();
}

static void teardown(void)
{
	mg_policy_free(pol);
	mg_policy_scratch_free(scr);
	pol = NULL;
	scr = NULL;
}

static bool inet_pton_ok(const char *s, uint8_t *out)
{
	return inet_pton(AF_INET, s, out) == 1;
}

/* An association: its client's set memberships and its control state. */
struct assoc {
	struct mg_policy_peer peer;
	struct mg_ctl_state ctl;
	uint32_t invoke;
};

static void assoc_init(struct assoc *a, const char *client)
{
	struct mg_addr c = {.ver = 4}, s = {.ver = 4};
	uint32_t line;
	cr_assert(inet_pton_ok(client, c.a));
	cr_assert(inet_pton_ok("10.20.0.5", s.a));
	mg_policy_conn(pol, &c, &s, 6, 40000, 102, &a->peer, &line);
	mg_ctl_state_init(&a->ctl);
	a->invoke = 1;
}

/* One PDU through the outcome; req: the request a response answers. */
static uint8_t feed(struct assoc *a, uint8_t dir, const uint8_t *b, size_t n, uint64_t t,
                    const struct mg_pending_req *req)
{
	static struct mg_mms_pdu m;
	enum mg_reason why;
	struct mg_policy_outcome oc;
	cr_assert_gt(n, 0);
	cr_assert_eq(mg_mms_parse(b, n, &m, &why), MG_OK, "%s", mg_reason_str(why));
	struct mg_ev ev = {.kind = MG_EV_MMS,
	                   .dir = dir,
	                   .mms = &m,
	                   .req = req,
	                   .mms_bytes = b,
	                   .mms_len = (uint32_t)n,
	                   .acse_kind = -1,
	                   .acse_result = -1};
	mg_policy_outcome_event_ctl(pol, scr, &a->peer, &a->ctl, t, &ev, MG_MODE_ENFORCE, &oc);
	return oc.action;
}

static uint8_t buf[2048];

/* A control write (Oper / SBOw / Cancel by the name's leaf). */
static uint8_t ctl_write(struct assoc *a, const char *name, bool val, uint32_t num, bool interlock,
                         bool test, uint64_t t, uint32_t *inv)
{
	bool cancel = strstr(name, "$Cancel") != NULL;
	struct mg_gen_ctl c = {
	    .ctl_val = {.kind = MG_GEN_D_BOOL, .i = val},
	    .or_cat = 3,
	    .or_ident = "scada",
	    .ctl_num = num,
	    .test = test,
	    .with_check = !cancel,
	    .interlock = interlock,
	    .synchrocheck = true,
	};
	*inv = a->invoke++;
	return feed(a, MG_DIR_C2S, buf, mg_gen_mms_write_ctl(buf, sizeof(buf), *inv, name, &c), t,
	            NULL);
}

static void write_answer(struct assoc *a, uint32_t inv, bool ok, uint64_t t)
{
	struct mg_pending_req r = {.invoke_id = inv, .service = MG_SVC_WRITE};
	feed(a, MG_DIR_S2C, buf, mg_gen_mms_write_resp(buf, sizeof(buf), inv, 1, ok ? 0 : 1), t,
	     &r);
}

static uint8_t read_req(struct assoc *a, const char *name, uint64_t t, uint32_t *inv)
{
	*inv = a->invoke++;
	return feed(a, MG_DIR_C2S, buf, mg_gen_mms_read(buf, sizeof(buf), *inv, &name, 1), t, NULL);
}

static void read_answer(struct assoc *a, uint32_t inv, const struct mg_gen_data *d, uint64_t t)
{
	struct mg_pending_req r = {.invoke_id = inv, .service = MG_SVC_READ};
	feed(a, MG_DIR_S2C, buf, mg_gen_mms_read_resp(buf, sizeof(buf), inv, d, 1), t, &r);
}

/* select with value (SBOw) answered positively */
static void select_ok(struct assoc *a, const char *sbow, uint32_t num, uint64_t t)
{
	uint32_t inv;
	cr_assert_eq(ctl_write(a, sbow, false, num, true, false, t, &inv), MG_ACT_ALLOW);
	write_answer(a, inv, true, t);
}

#define XCBR_OPER   "IED1/XCBR1$CO$Pos$Oper"
#define XCBR_SBOW   "IED1/XCBR1$CO$Pos$SBOw"
#define XCBR_SBO    "IED1/XCBR1$CO$Pos$SBO"
#define XCBR_CANCEL "IED1/XCBR1$CO$Pos$Cancel"

TestSuite(control, .init = load_example, .fini = teardown);

Test(control, open_allowed_close_denied_for_scada)
{
	struct assoc a;
	uint32_t inv;
	assoc_init(&a, "10.10.1.7");
	/* open: select (ctlVal false = off) then operate */
	select_ok(&a, XCBR_SBOW, 5, 0);
	cr_assert_eq(ctl_write(&a, XCBR_OPER, false, 5, true, false, 1 * SEC, &inv), MG_ACT_ALLOW);
	write_answer(&a, inv, true, 1 * SEC);
	/* close: refused at the select already, and at the operate */
	cr_assert_eq(ctl_write(&a, XCBR_SBOW, true, 6, true, false, 2 * SEC, &inv), MG_ACT_DENY);
	cr_assert_eq(ctl_write(&a, XCBR_OPER, true, 6, true, false, 2 * SEC, &inv), MG_ACT_DENY);
	/* engineering may close */
	struct assoc e;
	assoc_init(&e, "10.10.2.5");
	select_ok(&e, XCBR_SBOW, 1, 0);
	cr_assert_eq(ctl_write(&e, XCBR_OPER, true, 1, true, false, SEC, &inv), MG_ACT_ALLOW);
}

Test(control, interlock_bypass_denied_for_everyone)
{
	struct assoc a, e;
	uint32_t inv;
	assoc_init(&a, "10.10.1.7");
	assoc_init(&e, "10.10.2.5");
	select_ok(&a, XCBR_SBOW, 1, 0);
	cr_assert_eq(ctl_write(&a, XCBR_OPER, false, 1, false, false, SEC, &inv), MG_ACT_DENY);
	cr_assert_eq(ctl_write(&e, XCBR_SBOW, false, 1, false, false, SEC, &inv), MG_ACT_DENY);
	/* a Cancel carries no Check: not judged by the check clause */
	cr_assert_eq(ctl_write(&e, XCBR_CANCEL, false, 1, false, false, SEC, &inv), MG_ACT_ALLOW);
}

Test(control, operate_needs_select_by_same_association)
{
	struct assoc a, b;
	uint32_t inv;
	assoc_init(&a, "10.10.1.7");
	assoc_init(&b, "10.10.1.8");
	/* no select */
	cr_assert_eq(ctl_write(&a, XCBR_OPER, false, 1, true, false, 0, &inv), MG_ACT_DENY);
	/* select by A, operate by B */
	select_ok(&a, XCBR_SBOW, 2, 0);
	cr_assert_eq(ctl_write(&b, XCBR_OPER, false, 2, true, false, SEC, &inv), MG_ACT_DENY);
	/* A with another ctlNum: refused; with the select's ctlNum: allowed */
	cr_assert_eq(ctl_write(&a, XCBR_OPER, false, 3, true, false, SEC, &inv), MG_ACT_DENY);
	cr_assert_eq(ctl_write(&a, XCBR_OPER, false, 2, true, false, SEC, &inv), MG_ACT_ALLOW);
	write_answer(&a, inv, true, SEC);
	/* the select was consumed by the operate (normal security) */
	cr_assert_eq(ctl_write(&a, XCBR_OPER, false, 2, true, false, 2 * SEC, &inv), MG_ACT_DENY);
	/* a select the IED refused arms nothing */
	uint32_t s;
	cr_assert_eq(ctl_write(&a, XCBR_SBOW, false, 4, true, false, 3 * SEC, &s), MG_ACT_ALLOW);
	write_answer(&a, s, false, 3 * SEC);
	cr_assert_eq(ctl_write(&a, XCBR_OPER, false, 4, true, false, 3 * SEC, &inv), MG_ACT_DENY);
	/* a select not yet answered does not arm either */
	cr_assert_eq(ctl_write(&a, XCBR_SBOW, false, 5, true, false, 4 * SEC, &s), MG_ACT_ALLOW);
	cr_assert_eq(ctl_write(&a, XCBR_OPER, false, 5, true, false, 4 * SEC, &inv), MG_ACT_DENY);
}

Test(control, select_timeout_and_cancel)
{
	struct assoc a;
	uint32_t inv;
	assoc_init(&a, "10.10.1.7");
	select_ok(&a, XCBR_SBOW, 7, 0);
	cr_assert_eq(ctl_write(&a, XCBR_OPER, false, 7, true, false, 31 * SEC, &inv), MG_ACT_DENY);
	cr_assert_eq(a.ctl.armed, 1);
	select_ok(&a, XCBR_SBOW, 8, 40 * SEC);
	cr_assert_eq(ctl_write(&a, XCBR_CANCEL, false, 8, true, false, 41 * SEC, &inv),
	             MG_ACT_ALLOW);
	cr_assert_eq(ctl_write(&a, XCBR_OPER, false, 8, true, false, 42 * SEC, &inv), MG_ACT_DENY);
	select_ok(&a, XCBR_SBOW, 9, 50 * SEC);
	cr_assert_eq(ctl_write(&a, XCBR_OPER, false, 9, true, false, 79 * SEC, &inv), MG_ACT_ALLOW);
}

Test(control, select_by_sbo_read)
{
	struct assoc a;
	uint32_t inv, op;
	assoc_init(&a, "10.10.1.7");
	/* an empty string: not selected */
	struct mg_gen_data none = {.kind = MG_GEN_D_VSTRING, .s = ""};
	cr_assert_eq(read_req(&a, XCBR_SBO, 0, &inv), MG_ACT_ALLOW);
	read_answer(&a, inv, &none, 0);
	cr_assert_eq(ctl_write(&a, XCBR_OPER, false, 1, true, false, SEC, &op), MG_ACT_DENY);
	/* the object reference: selected (any ctlNum: SBO has none) */
	struct mg_gen_data ref = {.kind = MG_GEN_D_VSTRING, .s = "IED1/XCBR1.Pos"};
	cr_assert_eq(read_req(&a, XCBR_SBO, SEC, &inv), MG_ACT_ALLOW);
	read_answer(&a, inv, &ref, SEC);
	cr_assert_eq(ctl_write(&a, XCBR_OPER, false, 77, true, false, 2 * SEC, &op), MG_ACT_ALLOW);
}

Test(control, test_mode_only_from_engineering)
{
	struct assoc a, e;
	uint32_t inv;
	assoc_init(&a, "10.10.1.7");
	assoc_init(&e, "10.10.2.5");
	select_ok(&a, XCBR_SBOW, 1, 0);
	cr_assert_eq(ctl_write(&a, XCBR_OPER, false, 1, true, true, SEC, &inv), MG_ACT_DENY);
	select_ok(&e, XCBR_SBOW, 1, 0);
	cr_assert_eq(ctl_write(&e, XCBR_OPER, false, 1, true, true, SEC, &inv), MG_ACT_ALLOW);
}

static uint8_t set_write(struct assoc *a, const char *name, const struct mg_gen_data *d)
{
	return feed(a, MG_DIR_C2S, buf,
	            mg_gen_mms_write(buf, sizeof(buf), a->invoke++, &name, d, 1), 0, NULL);
}

Test(control, setting_range_sp_and_se)
{
	struct assoc e, s;
	assoc_init(&e, "10.10.2.5");
	assoc_init(&s, "10.10.1.7");
	struct mg_gen_data in = {.kind = MG_GEN_D_FLOAT, .f = 80.0f};
	struct mg_gen_data edge = {.kind = MG_GEN_D_FLOAT, .f = 120.0f};
	struct mg_gen_data out = {.kind = MG_GEN_D_FLOAT, .f = 120.5f};
	struct mg_gen_data neg = {.kind = MG_GEN_D_INT, .i = -1};
	struct mg_gen_data dbl = {.kind = MG_GEN_D_DOUBLE, .d = 1e9};
	struct mg_gen_data str = {.kind = MG_GEN_D_VSTRING, .s = "80"};
	const char *sp = "IED1/PTOC1$SP$StrVal$setMag$f", *se = "IED1/PTOC1$SE$StrVal$setMag$f";
	cr_assert_eq(set_write(&e, sp, &in), MG_ACT_ALLOW);
	cr_assert_eq(set_write(&e, sp, &edge), MG_ACT_ALLOW);
	cr_assert_eq(set_write(&e, sp, &out), MG_ACT_DENY);
	cr_assert_eq(set_write(&e, sp, &neg), MG_ACT_DENY);
	cr_assert_eq(set_write(&e, sp, &dbl), MG_ACT_DENY);
	cr_assert_eq(set_write(&e, se, &in), MG_ACT_ALLOW);
	cr_assert_eq(set_write(&e, se, &out), MG_ACT_DENY);
	/* not a number: the range cannot be verified → not allowed by it */
	cr_assert_eq(set_write(&e, sp, &str), MG_ACT_DENY);
	/* other settings: any value from engineering, none from SCADA */
	cr_assert_eq(set_write(&e, "IED1/PTOC1$SP$OpDlTmms$setVal", &out), MG_ACT_ALLOW);
	cr_assert_eq(set_write(&s, sp, &in), MG_ACT_DENY);
}

/* ---- policies written for one property each ------------------------------ */

static void use(const char *text)
{
	mg_policy_free(pol);
	pol = compile_text(text);
}

Test(control, direct_and_unknown_models_are_never_guessed)
{
	struct assoc a;
	uint32_t inv;
	use("control \"*/GGIO*\" model direct\n"
	    "control \"*/XSWI*\" model status-only\n"
	    "mms allow class operate require select\n"
	    "mms default deny\n");
	assoc_init(&a, "10.10.1.7");
	cr_assert_eq(ctl_write(&a, "IED1/GGIO1$CO$SPCSO1$Oper", true, 1, true, false, 0, &inv),
	             MG_ACT_ALLOW);
	/* not declared, not learned: not treated as SBO */
	cr_assert_eq(ctl_write(&a, "IED1/CSWI1$CO$Pos$Oper", true, 1, true, false, 0, &inv),
	             MG_ACT_ALLOW);
	cr_assert_eq(ctl_write(&a, "IED1/XSWI1$CO$Pos$Oper", true, 1, true, false, 0, &inv),
	             MG_ACT_DENY);
	/* the same object named without its domain (VMD-specific) */
	cr_assert_eq(ctl_write(&a, "XSWI1$CO$Pos$Oper", true, 1, true, false, 0, &inv),
	             MG_ACT_DENY);
}

Test(control, model_learned_from_ctlmodel_read)
{
	struct assoc a;
	uint32_t inv;
	use("mms allow class operate require select\n"
	    "mms allow class read, select-with-value\n"
	    "mms default deny\n");
	assoc_init(&a, "10.10.1.7");
	cr_assert_eq(read_req(&a, "IED1/CSWI1$CF$Pos$ctlModel", 0, &inv), MG_ACT_ALLOW);
	struct mg_gen_data sbo = {.kind = MG_GEN_D_INT, .i = 2};
	read_answer(&a, inv, &sbo, 0);
	cr_assert_eq(a.ctl.learned, 1);
	cr_assert_eq(ctl_write(&a, "IED1/CSWI1$CO$Pos$Oper", true, 1, true, false, SEC, &inv),
	             MG_ACT_DENY);
	select_ok(&a, "IED1/CSWI1$CO$Pos$SBOw", 1, SEC);
	cr_assert_eq(ctl_write(&a, "IED1/CSWI1$CO$Pos$Oper", true, 1, true, false, SEC, &inv),
	             MG_ACT_ALLOW);
	/* another association has not learned it (per association) */
	struct assoc b;
	assoc_init(&b, "10.10.1.8");
	cr_assert_eq(ctl_write(&b, "IED1/CSWI1$CO$Pos$Oper", true, 1, true, false, SEC, &inv),
	             MG_ACT_ALLOW);
}

Test(control, enhanced_security_until_command_termination)
{
	struct assoc a;
	uint32_t inv;
	use("control \"*/CSWI*\" model sbo-enhanced timeout 10\n"
	    "mms allow class operate require select\n"
	    "mms allow class select-with-value, report\n"
	    "mms default deny\n");
	assoc_init(&a, "10.10.1.7");
	select_ok(&a, "IED1/CSWI1$CO$Pos$SBOw", 1, 0);
	cr_assert_eq(ctl_write(&a, "IED1/CSWI1$CO$Pos$Oper", true, 1, true, false, SEC, &inv),
	             MG_ACT_ALLOW);
	write_answer(&a, inv, true, SEC);
	const struct mg_ctl_slot *s = NULL;
	for (unsigned i = 0; i < MG_CTL_SLOTS; i++)
		if (a.ctl.s[i].key)
			s = &a.ctl.s[i];
	cr_assert_not_null(s);
	cr_assert_eq(s->sel, MG_SEL_OPERATING);
	/* a second operate is not a new select */
	cr_assert_eq(ctl_write(&a, "IED1/CSWI1$CO$Pos$Oper", true, 1, true, false, SEC, &inv),
	             MG_ACT_DENY);
	/* CommandTermination: informationReport naming …$Oper */
	struct mg_gen_data d = {.kind = MG_GEN_D_BOOL, .i = 1};
	feed(&a, MG_DIR_S2C, buf,
	     mg_gen_mms_info_report_var(buf, sizeof(buf), "IED1/CSWI1$CO$Pos$Oper", &d), 2 * SEC,
	     NULL);
	cr_assert_eq(s->sel, MG_SEL_NONE);
}

Test(control, undecodable_is_judged_restrictively)
{
	struct assoc a;
	uint32_t inv;
	use("mms deny class operate ctlval on\n"
	    "mms allow class operate ctlval off\n"
	    "mms deny class setting value not 0..10\n"
	    "mms allow class setting\n"
	    "mms default deny\n");
	assoc_init(&a, "10.10.1.7");
	/* a CO write whose data is not an Oper structure */
	struct mg_gen_data b = {.kind = MG_GEN_D_BOOL, .i = 0};
	cr_assert_eq(set_write(&a, "IED1/CSWI1$CO$Pos$Oper", &b), MG_ACT_DENY);
	cr_assert_eq(ctl_write(&a, "IED1/CSWI1$CO$Pos$Oper", false, 1, true, false, 0, &inv),
	             MG_ACT_ALLOW);
	cr_assert_eq(ctl_write(&a, "IED1/CSWI1$CO$Pos$Oper", true, 1, true, false, 0, &inv),
	             MG_ACT_DENY);
	struct mg_gen_data s = {.kind = MG_GEN_D_VSTRING, .s = "x"};
	cr_assert_eq(set_write(&a, "IED1/LLN0$SP$x", &s), MG_ACT_DENY);
	struct mg_gen_data five = {.kind = MG_GEN_D_INT, .i = 5};
	cr_assert_eq(set_write(&a, "IED1/LLN0$SP$x", &five), MG_ACT_ALLOW);
	struct mg_gen_data sub[2] = {{.kind = MG_GEN_D_INT, .i = 5},
	                             {.kind = MG_GEN_D_UINT, .i = 11}};
	struct mg_gen_data st = {.kind = MG_GEN_D_STRUCT, .n = 2, .sub = sub};
	cr_assert_eq(set_write(&a, "IED1/LLN0$SP$x", &st), MG_ACT_DENY);
	sub[1].i = 10;
	cr_assert_eq(set_write(&a, "IED1/LLN0$SP$x", &st), MG_ACT_ALLOW);
}

Test(control, origin_and_numeric_ctlval)
{
	struct assoc a;
	use("mms allow class operate origin remote-control ctlval -5..5, 100\n"
	    "mms default deny\n");
	assoc_init(&a, "10.10.1.7");
	struct mg_gen_ctl c = {.ctl_val = {.kind = MG_GEN_D_INT, .i = 5},
	                       .or_cat = 3,
	                       .or_ident = "x",
	                       .ctl_num = 1,
	                       .with_check = true};
	const char *n = "IED1/GGIO1$CO$IntIn$Oper";
#define OPER(cc)                                                                                   \
	feed(&a, MG_DIR_C2S, buf, mg_gen_mms_write_ctl(buf, sizeof(buf), 1, n, &(cc)), 0, NULL)
	cr_assert_eq(OPER(c), MG_ACT_ALLOW);
	c.ctl_val.i = 100;
	cr_assert_eq(OPER(c), MG_ACT_ALLOW);
	c.ctl_val.i = 6;
	cr_assert_eq(OPER(c), MG_ACT_DENY);
	c.ctl_val.i = -5;
	c.or_cat = 2;
	cr_assert_eq(OPER(c), MG_ACT_DENY);
	/* APC {f} */
	struct mg_gen_data f = {.kind = MG_GEN_D_FLOAT, .f = 4.5f};
	c.or_cat = 3;
	c.ctl_val = (struct mg_gen_data){.kind = MG_GEN_D_STRUCT, .n = 1, .sub = &f};
	cr_assert_eq(OPER(c), MG_ACT_ALLOW);
	f.f = 5.5f;
	cr_assert_eq(OPER(c), MG_ACT_DENY);
#undef OPER
}
