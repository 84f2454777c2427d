/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The active policy: one pointer (to a small wrapper carrying the compiled
 * policy, its generation and where it came from) that workers load once per
 * burst without a lock. A swap compiles and checks the new file first (on
 * error nothing changes), prepares every worker's scratch, publishes the
 * new pointer, then waits with rte_rcu_qsbr until every worker has passed a
 * quiescent point (workers report one per loop iteration, idle or not) and
 * only then frees the old policy. Swaps are serialised by a mutex that only
 * control-plane threads take.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "mg_dp.h"

struct mg_dp_policy *mg_dp_active;
int mg_dp_mode_override = -1;

static struct rte_rcu_qsbr *qsv;
static pthread_mutex_t swap_lock = PTHREAD_MUTEX_INITIALIZER;

static void diags_to_err(const struct mg_diags *d, char *err, size_t errlen)
{
	if (errlen == 0)
		return;
	err[0] = '\0';
	for (size_t i = 0; i < d->n; i++) {
		const struct mg_diag *g = &d->v[i];
		if (g->sev != MG_DIAG_ERROR)
			continue;
		snprintf(err, errlen, "%s:%u:%u: error: %s%s", g->file, g->line, g->col, g->msg,
			 d->nerrors > 1 ? " (and more errors)" : "");
		return;
	}
	snprintf(err, errlen, "policy has errors");
}

static struct mg_dp_policy *load(const char *path, char *err, size_t errlen)
{
	struct mg_diags d;
	struct mg_dp_policy *w;

	mg_diags_init(&d);
	struct mg_policy *p = mg_policy_compile_file(path, &d);
	if (p == NULL) {
		diags_to_err(&d, err, errlen);
		mg_diags_free(&d);
		return NULL;
	}
	mg_diags_free(&d);
	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		mg_policy_free(p);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	w->p = p;
	w->loaded_unix = (uint64_t)time(NULL);
	snprintf(w->path, sizeof(w->path), "%s", path);
	return w;
}

void mg_dp_policy_install(struct mg_policy *p, const char *path)
{
	static struct mg_dp_policy first;

	/* The first wrapper is static (start-up cannot fail here); swaps free
	 * only heap wrappers. */
	first.p = p;
	first.gen = 1;
	first.loaded_unix = (uint64_t)time(NULL);
	snprintf(first.path, sizeof(first.path), "%s", path);
	__atomic_store_n(&mg_dp_active, &first, __ATOMIC_RELEASE);
}

static bool is_static(const struct mg_dp_policy *w);

int mg_dp_policy_rcu_init(unsigned nworkers, char *err, size_t errlen)
{
	size_t sz = rte_rcu_qsbr_get_memsize(nworkers);

	qsv = rte_zmalloc("mg_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (qsv == NULL || rte_rcu_qsbr_init(qsv, nworkers) != 0) {
		snprintf(err, errlen, "cannot set up RCU for %u workers", nworkers);
		return -ENOMEM;
	}
	return 0;
}

void mg_dp_policy_worker_online(unsigned wid)
{
	rte_rcu_qsbr_thread_register(qsv, wid);
	rte_rcu_qsbr_thread_online(qsv, wid);
}

void mg_dp_policy_worker_offline(unsigned wid)
{
	rte_rcu_qsbr_thread_offline(qsv, wid);
	rte_rcu_qsbr_thread_unregister(qsv, wid);
}

void mg_dp_policy_quiescent(unsigned wid)
{
	rte_rcu_qsbr_quiescent(qsv, wid);
}

/* The systemd watchdog's liveness test (main lcore): the same QSBR
 * variable the swaps wait on, polled without blocking. A token taken at
 * one call is checked at the next; true once every online worker has
 * reported a quiescent state since, i.e. every worker's loop has turned. */
bool mg_dp_workers_progressed(void)
{
	static uint64_t token;
	static bool have;

	if (qsv == NULL)
		return false;
	if (have && rte_rcu_qsbr_check(qsv, token, false) != 1)
		return false;
	bool ok = have;
	token = rte_rcu_qsbr_start(qsv);
	have = true;
	return ok;
}

int mg_dp_policy_swap(const char *path, char *err, size_t errlen)
{
	struct mg_dp_policy *w, *old;
	struct mg_dp_event ev;

	w = load(path, err, errlen);
	if (w == NULL)
		return -EINVAL;
	pthread_mutex_lock(&swap_lock);
	for (unsigned i = 0; i < mg_dp_nworkers; i++) {
		if (mg_dp_lcores[i].scratch == NULL)
			continue;
		int rc = mg_policy_scratch_prepare(mg_dp_lcores[i].scratch, w->p);
		if (rc != 0) {
			pthread_mutex_unlock(&swap_lock);
			snprintf(err, errlen, "cannot prepare worker scratch: %s", strerror(-rc));
			mg_policy_free(w->p);
			free(w);
			return rc;
		}
	}
	old = mg_dp_active;
	w->gen = old ? old->gen + 1 : 1;
	__atomic_store_n(&mg_dp_active, w, __ATOMIC_RELEASE);
	if (qsv != NULL)
		rte_rcu_qsbr_synchronize(qsv, RTE_QSBR_THRID_INVALID);
	if (old != NULL) {
		mg_policy_free(old->p);
		if (!is_static(old))
			free(old);
	}
	pthread_mutex_unlock(&swap_lock);

	memset(&ev, 0, sizeof(ev));
	ev.type = MG_DPEV_POLICY;
	ev.action = MG_ACT_ALLOW;
	ev.gen = w->gen;
	snprintf(ev.text, sizeof(ev.text), "%s", path);
	mg_dp_event_emit(NULL, &ev);
	return 0;
}

uint64_t mg_dp_policy_generation(void)
{
	const struct mg_dp_policy *w = mg_dp_policy_current();

	return w ? w->gen : 0;
}

int mg_dp_mode_set(const char *mode)
{
	int v;

	if (strcmp(mode, "enforce") == 0)
		v = MG_MODE_ENFORCE;
	else if (strcmp(mode, "monitor") == 0)
		v = MG_MODE_MONITOR;
	else if (strcmp(mode, "policy") == 0)
		v = -1;
	else
		return -EINVAL;
	__atomic_store_n(&mg_dp_mode_override, v, __ATOMIC_RELEASE);
	return 0;
}

const char *mg_dp_mode_str(void)
{
	int v = __atomic_load_n(&mg_dp_mode_override, __ATOMIC_ACQUIRE);
	const struct mg_dp_policy *w = mg_dp_policy_current();

	if (v < 0)
		v = (w && mg_policy_mode(w->p) == MG_MODE_MONITOR) ? MG_MODE_MONITOR
								    : MG_MODE_ENFORCE;
	return v == MG_MODE_MONITOR ? "monitor" : "enforce";
}

static bool is_static(const struct mg_dp_policy *w)
{
	return w->gen == 1;
}

void mg_dp_policy_fini(void)
{
	struct mg_dp_policy *w = mg_dp_active;

	mg_dp_active = NULL;
	if (w != NULL) {
		mg_policy_free(w->p);
		if (!is_static(w))
			free(w);
	}
	rte_free(qsv);
	qsv = NULL;
}
