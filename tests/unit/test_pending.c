/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Outstanding-request memory (proto/pending.c): add / find / take by
 * invokeID, duplicates and the bound, and the keyed object hash.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "mg_iec61850.h"
#include "mg_pending.h"

static void mkreq(struct mg_mms_pdu *m, uint32_t id, uint16_t svc, const char *dom,
                  const char *item)
{
	memset(m, 0, sizeof(*m));
	m->type = MG_MMS_CONFIRMED_REQUEST;
	m->has_invoke_id = true;
	m->invoke_id = id;
	m->service = svc;
	m->nobj = 1;
	m->obj[0].scope = dom ? MG_OBJ_DOMAIN : MG_OBJ_VMD;
	m->obj[0].kind = MG_OBJK_VARIABLE;
	m->obj[0].domain = (const uint8_t *)dom;
	m->obj[0].domain_len = dom ? (uint16_t)strlen(dom) : 0;
	m->obj[0].item = (const uint8_t *)item;
	m->obj[0].item_len = (uint16_t)strlen(item);
	mg_iec_classify(m);
}

Test(pending, add_find_take)
{
	struct mg_pending p;
	struct mg_mms_pdu m;
	struct mg_pending_req *r, out;

	mg_pending_init(&p);
	mkreq(&m, 7, MG_SVC_WRITE, "LD0", "CSWI1$CO$Pos$SBOw");
	cr_assert_eq(mg_pending_add(&p, &m, &r), MG_PENDING_OK);
	cr_assert_not_null(r);
	r->cookie = 42;
	cr_assert_eq(r->iec_class, MG_IEC_SELECT_WITH_VALUE);
	cr_assert_eq(mg_pending_add(&p, &m, &r), MG_PENDING_DUP);
	cr_assert_null(r);
	cr_assert_not_null(mg_pending_find(&p, 7));
	cr_assert_null(mg_pending_find(&p, 8));
	cr_assert(mg_pending_take(&p, 7, &out));
	cr_assert_eq(out.service, MG_SVC_WRITE);
	cr_assert_eq(out.cookie, 42);
	cr_assert_eq(out.nobj, 1);
	cr_assert_eq(out.first_scope, MG_OBJ_DOMAIN);
	cr_assert_eq(out.obj_hash, mg_pending_obj_hash(&m.obj[0]));
	cr_assert_not(mg_pending_take(&p, 7, &out));
	cr_assert_eq(p.n, 0);
}

Test(pending, bounded)
{
	struct mg_pending p;
	struct mg_mms_pdu m;
	struct mg_pending_req *r;

	mg_pending_init(&p);
	for (uint32_t i = 0; i < MG_PENDING_MAX; i++) {
		mkreq(&m, i, MG_SVC_READ, NULL, "X");
		cr_assert_eq(mg_pending_add(&p, &m, &r), MG_PENDING_OK);
	}
	mkreq(&m, 1000, MG_SVC_READ, NULL, "X");
	cr_assert_eq(mg_pending_add(&p, &m, &r), MG_PENDING_FULL);
	/* taking one from the middle keeps the others findable */
	cr_assert(mg_pending_take(&p, 5, NULL));
	for (uint32_t i = 0; i < MG_PENDING_MAX; i++)
		cr_assert_eq(mg_pending_find(&p, i) != NULL, i != 5, "id %u", i);
	cr_assert_eq(mg_pending_add(&p, &m, &r), MG_PENDING_OK);
}

Test(pending, hash_distinguishes_scope_and_split)
{
	struct mg_mms_obj a = {.scope = MG_OBJ_DOMAIN,
	                       .domain = (const uint8_t *)"LD0",
	                       .domain_len = 3,
	                       .item = (const uint8_t *)"X$Y",
	                       .item_len = 3};
	struct mg_mms_obj b = a, c = a, d = a;

	b.scope = MG_OBJ_VMD;
	c.domain_len = 2; /* "LD" + "0X$Y" must not equal "LD0" + "X$Y" */
	c.item = (const uint8_t *)"0X$Y";
	c.item_len = 4;
	d.item = (const uint8_t *)"X$Z";
	cr_assert_neq(mg_pending_obj_hash(&a), mg_pending_obj_hash(&b));
	cr_assert_neq(mg_pending_obj_hash(&a), mg_pending_obj_hash(&c));
	cr_assert_neq(mg_pending_obj_hash(&a), mg_pending_obj_hash(&d));
	cr_assert_eq(mg_pending_obj_hash(&a), mg_pending_obj_hash(&a));
	cr_assert_neq(mg_pending_obj_hash(&a), 0);
}
