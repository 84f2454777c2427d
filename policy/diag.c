/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Compiler diagnostics: a growable list of errors and warnings, each with
 * file:line:col, a one-line message and the offending token, printed like a
 * C compiler so editors can jump to them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pol_internal.h"

void mg_diags_init(struct mg_diags *d)
{
	memset(d, 0, sizeof(*d));
}

void mg_diags_free(struct mg_diags *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

void mg_diags_print(const struct mg_diags *d, FILE *out)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct mg_diag *g = &d->v[i];
		fprintf(out, "%s:%u:%u: %s: %s\n", g->file, g->line, g->col,
		        g->sev == MG_DIAG_ERROR  ? "error"
		        : g->sev == MG_DIAG_NOTE ? "note"
		                                 : "warning",
		        g->msg);
	}
}

void mg_pol_diag(struct mg_diags *d, enum mg_diag_sev sev, struct mg_pol_loc loc, const char *token,
                 const char *fmt, ...)
{
	if (!d)
		return;
	/* A runaway file (e.g. fuzz input) must not produce unbounded output:
	 * keep the first 1000 diagnostics but still count the rest. */
	if (sev == MG_DIAG_ERROR)
		d->nerrors++;
	else if (sev == MG_DIAG_NOTE)
		d->nnotes++;
	else
		d->nwarnings++;
	if (d->n >= 1000)
		return;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct mg_diag *v = realloc(d->v, cap * sizeof(*v));
		if (!v)
			return;
		d->v = v;
		d->cap = cap;
	}
	struct mg_diag *g = &d->v[d->n++];
	memset(g, 0, sizeof(*g));
	g->sev = (uint8_t)sev;
	snprintf(g->file, sizeof(g->file), "%s", loc.file ? loc.file : "<policy>");
	g->line = loc.line;
	g->col = loc.col;
	snprintf(g->token, sizeof(g->token), "%s", token ? token : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(g->msg, sizeof(g->msg), fmt, ap);
	va_end(ap);
}
