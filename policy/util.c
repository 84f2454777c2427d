/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers every stage of the compiler uses (parser, check, compile, l2):
 * growing arrays, finding a named set, interning file names for
 * locations, and the one reader of policy files (main file and includes
 * alike, so both obey the same size limit and the same NUL rule). Kept
 * apart from policy.c, the driver, so the stages depend on these helpers
 * downwards and never on the driver that calls them.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pol_internal.h"

void *mg_pol_grow(void *v, size_t *cap, size_t n, size_t elem)
{
	if (n <= *cap)
		return v;
	size_t nc = *cap ? *cap * 2 : 8;
	while (nc < n)
		nc *= 2;
	void *nv = realloc(v, nc * elem);
	if (!nv)
		return NULL;
	*cap = nc;
	return nv;
}

int mg_pol_set_find(const struct mg_policy *p, const char *name)
{
	for (size_t i = 0; i < p->n_sets; i++)
		if (!p->sets[i].anon && !strcmp(p->sets[i].name, name))
			return (int)i;
	return -1;
}

const char *mg_pol_intern_file(struct mg_policy *p, const char *path)
{
	char **v = mg_pol_grow(p->files, &p->cap_files, p->n_files + 1, sizeof(*v));
	if (!v)
		return NULL;
	p->files = v;
	char *s = strdup(path);
	if (!s)
		return NULL;
	p->files[p->n_files++] = s;
	return s;
}

char *mg_pol_read_file(const char *path, size_t *len, const char **why)
{
	static char reason[128];
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(reason, sizeof(reason), "%s", strerror(errno));
		*why = reason;
		return NULL;
	}
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		if (cap >= MG_POL_MAX_FILE) {
			/* Never compile a silently truncated policy. */
			free(buf);
			fclose(f);
			snprintf(reason, sizeof(reason), "file larger than %u MiB",
			         (unsigned)(MG_POL_MAX_FILE >> 20));
			*why = reason;
			return NULL;
		}
		char *nb = realloc(buf, cap * 2 + 1);
		if (!nb) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = nb;
		cap *= 2;
	}
	bool rderr = buf && ferror(f);
	fclose(f);
	if (!buf || rderr) {
		*why = rderr ? "read error" : "out of memory";
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	/* A NUL inside the file would silently truncate it: refuse. */
	if (memchr(buf, 0, n)) {
		free(buf);
		*why = "file contains a NUL byte";
		return NULL;
	}
	*len = n;
	return buf;
}
