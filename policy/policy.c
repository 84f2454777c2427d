/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Entry points and lifetime of a compiled policy: read the file, run the
 * stages (parse → check → compile), keep the result only if no stage
 * reported an error (a policy applies completely or not at all), free it.
 * Each compiled policy gets a process-unique generation number that keys
 * the per-worker name caches, so a new policy never sees an old result.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pol_internal.h"

static _Atomic uint64_t generation_counter;

struct mg_policy *mg_pol_new(const char *source)
{
	struct mg_policy *p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->source = strdup(source ? source : "<string>");
	if (!p->source) {
		free(p);
		return NULL;
	}
	p->mode = MG_MODE_ENFORCE;
	p->allow_fragments = false;
	p->l2_default = MG_L2_DROP;
	p->ip_default = MG_ACT_DENY;
	p->mms_default = MG_ACT_DENY;
	p->mms_default_deny_mode = MG_DENY_REPLY_ERROR;
	for (int i = 0; i < MG_R__COUNT; i++)
		p->anomaly[i] = MG_ACT_DENY;
	p->generation = atomic_fetch_add(&generation_counter, 1) + 1;
	return p;
}

void mg_pol_free_compiled(struct mg_policy *p)
{
	if (p->hs)
		hs_free_database(p->hs);
	p->hs = NULL;
	for (size_t i = 0; i < p->n_patterns; i++)
		free(p->pattern ? p->pattern[i] : NULL);
	free(p->pattern);
	free(p->pat_rule_off);
	free(p->pat_rule);
	free(p->objrule_rule);
	free(p->gtok);
	free(p->always);
	free(p->plain_rule);
	free(p->l2row);
	free(p->l2exact);
	free(p->l2wide);
	free(p->masks);
	free(p->v4.start);
	free(p->v4.midx);
	free(p->v6.start);
	free(p->v6.midx);
	free(p->x_l2);
	free(p->x_set_names);
	free(p->x_prefix);
	free(p->x_conn);
	free(p->x_mms);
	free(p->reach);
}

void mg_policy_free(struct mg_policy *p)
{
	if (!p)
		return;
	mg_pol_free_compiled(p);
	for (size_t i = 0; i < p->n_sets; i++) {
		free(p->sets[i].name);
		free(p->sets[i].elem);
	}
	free(p->sets);
	for (size_t i = 0; i < p->n_l2; i++) {
		free(p->l2[i].range);
		free(p->l2[i].appid);
		free(p->l2[i].mac);
	}
	free(p->l2);
	free(p->ip);
	for (size_t i = 0; i < p->n_mms; i++) {
		for (size_t g = 0; g < p->mms[i].n_glob; g++)
			free(p->mms[i].glob[g]);
		free(p->mms[i].glob);
		free(p->mms[i].name);
	}
	free(p->mms);
	for (size_t i = 0; i < p->n_ctlm; i++)
		free(p->ctlm[i].glob);
	free(p->ctlm);
	for (size_t i = 0; i < p->n_files; i++)
		free(p->files[i]);
	free(p->files);
	free(p->source);
	free(p);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static struct mg_policy *compile_text(const char *name, const char *text, size_t len,
                                      struct mg_diags *d)
{
	struct mg_diags local;
	if (!d) {
		mg_diags_init(&local);
		d = &local;
	}
	size_t errors_before = d->nerrors;
	double t0 = now_ms();
	struct mg_policy *p = mg_pol_new(name);
	if (!p) {
		mg_pol_diag(d, MG_DIAG_ERROR, (struct mg_pol_loc){name, 0, 0}, "", "out of memory");
		goto fail;
	}
	const char *fname = mg_pol_intern_file(p, p->source);
	if (!fname) {
		mg_pol_diag(d, MG_DIAG_ERROR, (struct mg_pol_loc){name, 0, 0}, "", "out of memory");
		goto fail;
	}
	mg_pol_parse(p, fname, text, len, 0, d);
	/* Check even after parse errors: undefined sets and the like are
	 * reported in the same run. */
	mg_pol_check(p, d);
	if (d->nerrors == errors_before)
		mg_pol_compile(p, d);
	if (d->nerrors != errors_before)
		goto fail;
	p->compile_ms = now_ms() - t0;
	if (d == &local)
		mg_diags_free(&local);
	return p;
fail:
	mg_policy_free(p);
	if (d == &local)
		mg_diags_free(&local);
	return NULL;
}

struct mg_policy *mg_policy_compile_string(const char *name, const char *text, struct mg_diags *d)
{
	return compile_text(name ? name : "<string>", text ? text : "", text ? strlen(text) : 0, d);
}

struct mg_policy *mg_policy_compile_file(const char *path, struct mg_diags *d)
{
	size_t n = 0;
	const char *why = NULL;
	char *buf = mg_pol_read_file(path, &n, &why);
	if (!buf) {
		if (d)
			mg_pol_diag(d, MG_DIAG_ERROR, (struct mg_pol_loc){path, 0, 0}, "",
			            "cannot read policy: %s", why);
		return NULL;
	}
	struct mg_policy *p = compile_text(path, buf, n, d);
	free(buf);
	return p;
}

const char *mg_policy_source(const struct mg_policy *p)
{
	return p ? p->source : NULL;
}

enum mg_mode mg_policy_mode(const struct mg_policy *p)
{
	return (enum mg_mode)p->mode;
}

bool mg_policy_allow_fragments(const struct mg_policy *p)
{
	return p->allow_fragments;
}

bool mg_policy_anomaly_set(const struct mg_policy *p, int reason)
{
	return p && reason > 0 && reason < MG_R__COUNT && p->anomaly_set[reason];
}

enum mg_action mg_policy_anomaly_action(const struct mg_policy *p, int reason)
{
	if (!p || reason <= 0 || reason >= MG_R__COUNT)
		return MG_ACT_DENY;
	return (enum mg_action)p->anomaly[reason];
}
