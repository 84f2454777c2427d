/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Named variable lists (proto/varlist.c) driven with generated MMS PDUs the
 * way the engine drives them: a list defined on one association and used on
 * another, defined / deleted / redefined with other members, an IED error
 * that must not teach anything, aa-specific scope, attributes responses,
 * forgetting when the IED's last association closes, and a reader racing a
 * writer that must never see a mix of two definitions.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <string.h>

#include "mg_gen.h"
#include "mg_iec61850.h"
#include "mg_varlist.h"

static const uint8_t IED_A[4] = {10, 0, 0, 20}, IED_B[4] = {10, 0, 0, 21};

struct assoc {
	struct mg_vl_conn vc;
	struct mg_pending pend[2];
	uint32_t inv;
};

static struct mg_vl_table *t;
static struct mg_mms_pdu pdu;
static struct mg_vl_copy copy;

static void setup(void)
{
	t = mg_vl_table_new(64);
	cr_assert_not_null(t);
}

static void teardown(void)
{
	mg_vl_table_free(t);
}

static void open_assoc(struct assoc *a, const uint8_t *ied)
{
	memset(a, 0, sizeof(*a));
	mg_vl_bind(t, &a->vc, 4, ied);
	cr_assert_neq(a->vc.assoc, 0);
	a->inv = 1;
}

/* One PDU the way the engine handles it: pending bookkeeping, then the
 * table. dir 0 = client → IED. */
static void feed(struct assoc *a, uint8_t dir, const uint8_t *b, size_t n)
{
	enum mg_reason why;
	struct mg_pending_req *r, ans;
	const struct mg_pending_req *answered = NULL;

	cr_assert_gt(n, 0);
	cr_assert_eq(mg_mms_parse(b, n, &pdu, &why), MG_OK, "%s", mg_reason_str(why));
	if (pdu.type == MG_MMS_CONFIRMED_REQUEST)
		mg_pending_add(&a->pend[dir], &pdu, &r);
	else if (pdu.has_invoke_id && mg_pending_take(&a->pend[dir ^ 1], pdu.invoke_id, &ans))
		answered = &ans;
	mg_vl_observe(t, &a->vc, dir, &pdu, answered, &a->pend[dir], &copy);
}

static uint8_t buf[4096];

static void define(struct assoc *a, const char *name, const char *const *m, int n, bool ok)
{
	uint32_t id = a->inv++;

	feed(a, 0, buf, mg_gen_mms_define_nvl(buf, sizeof(buf), id, name, m, n));
	cr_assert_eq(pdu.iec_class, MG_IEC_DATASET_DEFINE);
	if (ok)
		feed(a, 1, buf, mg_gen_mms_define_nvl_resp(buf, sizeof(buf), id));
	else
		feed(a, 1, buf, mg_gen_mms_confirmed_error(buf, sizeof(buf), id, 7, 2));
}

enum del_answer { DEL_OK, DEL_ERROR, DEL_NONE };

static void delete_as(struct assoc *a, const char *name, enum del_answer ans)
{
	uint32_t id = a->inv++;

	feed(a, 0, buf, mg_gen_mms_delete_nvl(buf, sizeof(buf), id, name));
	cr_assert_eq(pdu.service, MG_SVC_DELETE_NAMED_VAR_LIST);
	if (ans == DEL_OK)
		feed(a, 1, buf, mg_gen_mms_delete_nvl_resp(buf, sizeof(buf), id));
	else if (ans == DEL_ERROR)
		feed(a, 1, buf, mg_gen_mms_confirmed_error(buf, sizeof(buf), id, 2, 1));
}

static void delete(struct assoc *a, const char *name)
{
	delete_as(a, name, DEL_OK);
}

/* Class of a read of the list; *nobj gets the objects the PDU then names. */
static uint8_t read_list(struct assoc *a, const char *name, uint16_t *nobj)
{
	feed(a, 0, buf, mg_gen_mms_read_varlist(buf, sizeof(buf), a->inv++, name));
	if (nobj)
		*nobj = pdu.nobj;
	return pdu.iec_class;
}

/* A write naming the list (one boolean per member). */
static uint8_t write_list(struct assoc *a, const char *name, int nvals)
{
	struct mg_gen_w w;
	struct mg_gen_data d = {.kind = MG_GEN_D_BOOL, .i = 1};

	mg_gen_w_init(&w, buf, sizeof(buf));
	mg_gen_w_begin(&w, MG_GEN_CTXC(0));
	mg_gen_w_uint(&w, MG_GEN_INTEGER, a->inv++);
	mg_gen_w_begin(&w, MG_GEN_CTXC(5));
	mg_gen_w_begin(&w, MG_GEN_CTXC(1)); /* variableListName */
	mg_gen_w_objname(&w, name);
	mg_gen_w_end(&w);
	mg_gen_w_begin(&w, MG_GEN_CTXC(0)); /* listOfData */
	for (int i = 0; i < nvals; i++)
		mg_gen_w_data(&w, &d);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	mg_gen_w_end(&w);
	feed(a, 0, buf, mg_gen_w_done(&w));
	return pdu.iec_class;
}

static bool names_member(const char *item)
{
	for (unsigned i = 1; i < pdu.nobj; i++)
		if (pdu.obj[i].item_len == strlen(item) &&
		    memcmp(pdu.obj[i].item, item, pdu.obj[i].item_len) == 0)
			return true;
	return false;
}

static const char *const safe[] = {"LD0/MMXU1$MX$TotW", "LD0/XCBR1$ST$Pos"};
static const char *const ctl[] = {"LD0/GGIO1$ST$Ind1", "LD0/CSWI1$CO$Pos$Oper"};

TestSuite(varlist, .init = setup, .fini = teardown);

Test(varlist, unknown_list_is_worst_case)
{
	struct assoc a;

	open_assoc(&a, IED_A);
	cr_assert_eq(read_list(&a, "LD0/LLN0$DS1", NULL), MG_IEC_DATASET_READ);
	cr_assert_eq(write_list(&a, "LD0/LLN0$DS1", 2), MG_IEC_OTHER);
}

Test(varlist, defined_on_one_association_used_on_another)
{
	struct assoc a, b, other_ied;
	uint16_t n;

	open_assoc(&a, IED_A);
	open_assoc(&b, IED_A);
	open_assoc(&other_ied, IED_B);
	define(&a, "LD0/LLN0$Dyn1", ctl, 2, true);
	cr_assert_eq(mg_vl_count(t), 1);
	/* b writes the list a defined: an operate, and the members are named */
	cr_assert_eq(write_list(&b, "LD0/LLN0$Dyn1", 2), MG_IEC_OPERATE);
	cr_assert_eq(pdu.nobj, 3);
	cr_assert(names_member("CSWI1$CO$Pos$Oper"));
	cr_assert_eq(pdu.obj[0].iec_class, MG_IEC_OPERATE); /* the list: its worst member */
	cr_assert_eq(pdu.obj[2].iec_class, MG_IEC_OPERATE);
	/* a read of it is a read (no SBO member) */
	cr_assert_eq(read_list(&b, "LD0/LLN0$Dyn1", &n), MG_IEC_READ);
	cr_assert_eq(n, 3);
	/* another IED has no such list */
	cr_assert_eq(write_list(&other_ied, "LD0/LLN0$Dyn1", 2), MG_IEC_OTHER);
	struct mg_vl_stats st;

	mg_vl_stats(t, &st);
	cr_assert_eq(st.learned, 1);
	cr_assert_geq(st.expanded, 2);
}

Test(varlist, refused_define_teaches_nothing)
{
	struct assoc a;

	open_assoc(&a, IED_A);
	define(&a, "LD0/LLN0$Dyn1", safe, 2, false);
	cr_assert_eq(mg_vl_count(t), 0);
	cr_assert_eq(write_list(&a, "LD0/LLN0$Dyn1", 2), MG_IEC_OTHER);
	/* and a define that gets no answer stays tentative: not used */
	feed(&a, 0, buf, mg_gen_mms_define_nvl(buf, sizeof(buf), 99, "LD0/LLN0$Dyn2", safe, 2));
	cr_assert_eq(write_list(&a, "LD0/LLN0$Dyn2", 2), MG_IEC_OTHER);
}

Test(varlist, defined_deleted_redefined)
{
	struct assoc a, b;

	open_assoc(&a, IED_A);
	open_assoc(&b, IED_A);
	define(&a, "LD0/LLN0$Dyn1", safe, 2, true);
	cr_assert_eq(write_list(&b, "LD0/LLN0$Dyn1", 2), MG_IEC_WRITE);
	delete(&a, "LD0/LLN0$Dyn1");
	cr_assert_eq(mg_vl_count(t), 0);
	cr_assert_eq(write_list(&b, "LD0/LLN0$Dyn1", 2), MG_IEC_OTHER);
	/* redefined by the other association with a control member */
	define(&b, "LD0/LLN0$Dyn1", ctl, 2, true);
	cr_assert_eq(write_list(&a, "LD0/LLN0$Dyn1", 2), MG_IEC_OPERATE);
	cr_assert(names_member("CSWI1$CO$Pos$Oper"));
	/* a define of an existing name forgets the old members at once, even
	 * before (or without) the IED's answer */
	feed(&a, 0, buf, mg_gen_mms_define_nvl(buf, sizeof(buf), 77, "LD0/LLN0$Dyn1", safe, 2));
	cr_assert_eq(write_list(&b, "LD0/LLN0$Dyn1", 2), MG_IEC_OTHER);
}

/* Only the IED's success answer forgets: a delete the policy refused (never
 * answered by the IED) or the IED refused leaves the list known to every
 * association, and a success forgets the list it named, not its neighbours. */
Test(varlist, only_a_delete_the_ied_carried_out_forgets)
{
	struct assoc ro, eng, hmi;

	open_assoc(&ro, IED_A);
	open_assoc(&eng, IED_A);
	open_assoc(&hmi, IED_A);
	define(&eng, "LD0/LLN0$Dyn1", ctl, 2, true);
	define(&eng, "LD0/LLN0$Dyn2", safe, 2, true);
	cr_assert_eq(mg_vl_count(t), 2);
	delete_as(&ro, "LD0/LLN0$Dyn1", DEL_NONE);   /* refused by the gate */
	delete_as(&eng, "LD0/LLN0$Dyn1", DEL_ERROR); /* refused by the IED */
	cr_assert_eq(mg_vl_count(t), 2);
	cr_assert_eq(write_list(&hmi, "LD0/LLN0$Dyn1", 2), MG_IEC_OPERATE);
	cr_assert_eq(write_list(&hmi, "LD0/LLN0$Dyn2", 2), MG_IEC_WRITE);
	delete(&eng, "LD0/LLN0$Dyn1");
	cr_assert_eq(mg_vl_count(t), 1);
	cr_assert_eq(write_list(&hmi, "LD0/LLN0$Dyn1", 2), MG_IEC_OTHER);
	cr_assert_eq(write_list(&hmi, "LD0/LLN0$Dyn2", 2), MG_IEC_WRITE);
	/* the list of the same name on another IED is not touched */
	struct assoc other;
	open_assoc(&other, IED_B);
	define(&other, "LD0/LLN0$Dyn2", safe, 2, true);
	delete(&eng, "LD0/LLN0$Dyn2");
	cr_assert_eq(mg_vl_count(t), 1);
	cr_assert_eq(write_list(&other, "LD0/LLN0$Dyn2", 2), MG_IEC_WRITE);
}

Test(varlist, aa_specific_stays_with_its_association)
{
	struct assoc a, b;

	open_assoc(&a, IED_A);
	open_assoc(&b, IED_A);
	define(&a, "@MyList", ctl, 2, true);
	cr_assert_eq(write_list(&a, "@MyList", 2), MG_IEC_OPERATE);
	cr_assert_eq(write_list(&b, "@MyList", 2), MG_IEC_OTHER);
	mg_vl_unbind(t, &a.vc); /* its association ends: gone */
	cr_assert_eq(mg_vl_count(t), 0);
	mg_vl_unbind(t, &b.vc);
}

Test(varlist, attributes_response_teaches_configured_sets)
{
	struct assoc a;
	static const char *const ds[] = {"LD0/CSWI1$CO$Pos$SBO", "LD0/MMXU1$MX$TotW"};

	open_assoc(&a, IED_A);
	feed(&a, 0, buf, mg_gen_mms_get_nvl_attr(buf, sizeof(buf), 5, "LD0/LLN0$DS1"));
	cr_assert_eq(pdu.iec_class, MG_IEC_BROWSE);
	feed(&a, 1, buf, mg_gen_mms_get_nvl_attr_resp(buf, sizeof(buf), 5, ds, 2));
	cr_assert_eq(pdu.nobj, 2); /* the response's members are decoded */
	cr_assert_eq(mg_vl_count(t), 1);
	/* a read of the set reaches an SBO: select */
	cr_assert_eq(read_list(&a, "LD0/LLN0$DS1", NULL), MG_IEC_SELECT);
	cr_assert(names_member("CSWI1$CO$Pos$SBO"));
}

Test(varlist, forgotten_when_the_ieds_last_association_closes)
{
	struct assoc a, b;

	open_assoc(&a, IED_A);
	open_assoc(&b, IED_A);
	define(&a, "LD0/LLN0$Dyn1", safe, 2, true);
	mg_vl_unbind(t, &a.vc);
	cr_assert_eq(mg_vl_count(t), 1); /* b still open: the IED keeps it */
	cr_assert_eq(write_list(&b, "LD0/LLN0$Dyn1", 2), MG_IEC_WRITE);
	mg_vl_unbind(t, &b.vc);
	cr_assert_eq(mg_vl_count(t), 0);
	open_assoc(&a, IED_A);
	cr_assert_eq(write_list(&a, "LD0/LLN0$Dyn1", 2), MG_IEC_OTHER);
}

Test(varlist, bounded_and_counted)
{
	struct assoc a;
	char name[32];

	open_assoc(&a, IED_A);
	for (int i = 0; i < 70; i++) {
		snprintf(name, sizeof(name), "LD0/LLN0$D%d", i);
		define(&a, name, safe, 2, true);
	}
	cr_assert_eq(mg_vl_count(t), 64);
	struct mg_vl_stats st;

	mg_vl_stats(t, &st);
	cr_assert_eq(st.table_full, 6);
	/* more members than a PDU can carry: not learnt */
	static const char *big[40];

	for (int i = 0; i < 40; i++)
		big[i] = "LD0/MMXU1$MX$TotW";
	delete(&a, "LD0/LLN0$D0");
	define(&a, "LD0/LLN0$Big", big, 40, true);
	mg_vl_stats(t, &st);
	cr_assert_eq(st.too_big, 1);
	cr_assert_eq(read_list(&a, "LD0/LLN0$Big", NULL), MG_IEC_DATASET_READ);
}

/* A reader on one thread, definitions flipping on another: every expansion
 * must be one definition or the other, never a mix, never a torn name. */
static volatile bool stop;

static void *flipper(void *arg)
{
	struct assoc *a = arg;

	/* attributes answers replace the members in one change, so the
	 * reader sees the list known nearly all the time */
	for (int i = 0; i < 20000; i++) {
		uint32_t id = a->inv++;

		feed(a, 0, buf, mg_gen_mms_get_nvl_attr(buf, sizeof(buf), id, "LD0/LLN0$Flip"));
		feed(a, 1, buf,
		     mg_gen_mms_get_nvl_attr_resp(buf, sizeof(buf), id, (i & 1) ? ctl : safe, 2));
	}
	stop = true;
	return NULL;
}

Test(varlist, readers_never_see_a_mix)
{
	struct assoc w, r;
	pthread_t th;
	struct mg_mms_pdu p;
	uint8_t b[256];
	enum mg_reason why;
	unsigned seen[3] = {0};

	open_assoc(&w, IED_A);
	open_assoc(&r, IED_A);
	/* the reader only looks up: no pending, no shared buffers with w */
	size_t n = mg_gen_mms_read_varlist(b, sizeof(b), 1, "LD0/LLN0$Flip");

	stop = false;
	cr_assert_eq(pthread_create(&th, NULL, flipper, &w), 0);
	while (!stop) {
		struct mg_vl_copy c;

		cr_assert_eq(mg_mms_parse(b, n, &p, &why), MG_OK);
		mg_vl_observe(t, &r.vc, 0, &p, NULL, &r.pend[0], &c);
		if (p.nobj == 1) {
			seen[0]++;
			continue;
		}
		cr_assert_eq(p.nobj, 3);
		bool s = p.obj[1].item_len == 13 && memcmp(p.obj[1].item, "MMXU1$MX$TotW", 13) == 0 &&
			 p.obj[2].item_len == 12 && memcmp(p.obj[2].item, "XCBR1$ST$Pos", 12) == 0;
		bool k = p.obj[1].item_len == 13 && memcmp(p.obj[1].item, "GGIO1$ST$Ind1", 13) == 0 &&
			 p.obj[2].item_len == 17 &&
			 memcmp(p.obj[2].item, "CSWI1$CO$Pos$Oper", 17) == 0;
		cr_assert(s || k, "a mixed or torn expansion");
		seen[s ? 1 : 2]++;
	}
	pthread_join(th, NULL);
	cr_log_info("unknown %u, safe %u, control %u", seen[0], seen[1], seen[2]);
	cr_assert_gt(seen[1] + seen[2], 0, "the reader saw the list at least once");
}
