/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `mmsgatectl policy diff OLD NEW`: what a changed policy changes, for the
 * day the SCD is regenerated. Both files are compiled and compared on
 * their normalized JSON form (mg_policy_print_json), so formatting,
 * comments, ordering of set elements and line numbers never show up:
 *   - sets: added, removed, and per set the elements added/removed;
 *   - streams: every (EtherType, VLAN, APPID, dst MAC) an `l2 … appid/dst`
 *     rule passes, expanded per list item;
 *   - l2 (other), ip and mms rules: added/removed by content; rules whose
 *     content is unchanged but whose order moved are reported as reordered
 *     (first match wins, so order matters);
 *   - mode, fragments, defaults, anomaly actions.
 * Exit like diff(1): 0 same, 1 different, 2 usage error or a policy that
 * does not compile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mg_cmds.h"
#include "mg_policy.h"

struct item {
	char *key;
};
struct list {
	struct item *v;
	size_t n, cap;
};

static void add(struct list *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		struct item *v = realloc(l->v, l->cap * sizeof(*v));
		if (!v)
			abort();
		l->v = v;
	}
	l->v[l->n++].key = strdup(s);
}

static void list_free(struct list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].key);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static bool in(const struct list *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].key, s))
			return true;
	return false;
}

static json_t *load(const char *path)
{
	struct mg_diags d;
	mg_diags_init(&d);
	struct mg_policy *p = mg_policy_compile_file(path, &d);
	if (!p) {
		mg_diags_print(&d, stderr);
		if (!d.nerrors)
			fprintf(stderr, "%s: error: policy could not be compiled\n", path);
		mg_diags_free(&d);
		return NULL;
	}
	mg_diags_free(&d);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (!m) {
		mg_policy_free(p);
		return NULL;
	}
	mg_policy_print_json(p, m);
	fclose(m);
	mg_policy_free(p);
	json_error_t e;
	json_t *j = json_loadb(buf, len, 0, &e);
	free(buf);
	if (!j)
		fprintf(stderr, "%s: internal error: policy JSON unreadable: %s\n", path, e.text);
	return j;
}

/* A JSON value as policy text: "x", [a, b] → "{ a, b }", null → "-". */
static void text_of(const json_t *v, char *out, size_t n)
{
	if (json_is_string(v)) {
		snprintf(out, n, "%s", json_string_value(v));
	} else if (json_is_array(v)) {
		size_t k = (size_t)snprintf(out, n, "{ ");
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e)
		{
			if (k >= n)
				break;
			k += (size_t)snprintf(out + k, n - k, "%s%s", i ? ", " : "",
			                      json_is_string(e) ? json_string_value(e) : "?");
		}
		if (k < n)
			snprintf(out + k, n - k, " }");
	} else if (json_is_true(v) || json_is_false(v)) {
		snprintf(out, n, "%s", json_is_true(v) ? "true" : "false");
	} else if (json_is_integer(v)) {
		snprintf(out, n, "%lld", (long long)json_integer_value(v));
	} else {
		snprintf(out, n, "-");
	}
}

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* Items of a string-or-array field ("any" when absent or the string "any"). */
static size_t items(const json_t *v, const char **out, size_t max)
{
	if (!v || json_is_string(v)) {
		out[0] = v ? json_string_value(v) : "any";
		return 1;
	}
	size_t i, n = 0;
	json_t *e;
	json_array_foreach(v, i, e) if (n < max && json_is_string(e)) out[n++] =
	    json_string_value(e);
	return n;
}

static void l2_lists(const json_t *j, struct list *streams, struct list *l2)
{
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(j, "l2"), i, r)
	{
		const char *vl[4096], *ap[1024], *dm[1024];
		size_t nv = items(json_object_get(r, "vlans"), vl, 4096);
		json_t *a = json_object_get(r, "appids"), *d = json_object_get(r, "dst");
		char buf[256];
		if (!a && !d) {
			for (size_t x = 0; x < nv; x++) {
				snprintf(buf, sizeof(buf), "%s vlan %s", str(r, "ethertype"),
				         vl[x]);
				add(l2, buf);
			}
			continue;
		}
		size_t na = items(a, ap, 1024), nd = items(d, dm, 1024);
		for (size_t x = 0; x < nv; x++)
			for (size_t y = 0; y < na; y++)
				for (size_t z = 0; z < nd; z++) {
					snprintf(buf, sizeof(buf), "%s vlan %s appid %s dst %s",
					         str(r, "ethertype"), vl[x], ap[y], dm[z]);
					add(streams, buf);
				}
	}
}

static void rule_lists(const json_t *j, struct list *ip, struct list *mms)
{
	size_t i;
	json_t *r;
	char f[512], t[512], buf[8192];
	json_array_foreach(json_object_get(j, "ip"), i, r)
	{
		text_of(json_object_get(r, "from"), f, sizeof(f));
		text_of(json_object_get(r, "to"), t, sizeof(t));
		snprintf(buf, sizeof(buf), "ip %s %s from %s to %s", str(r, "action"),
		         str(r, "service"), f, t);
		add(ip, buf);
	}
	json_array_foreach(json_object_get(j, "mms"), i, r)
	{
		/* every field but the line, in a fixed order */
		json_t *c = json_deep_copy(r);
		json_object_del(c, "line");
		char *s = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(c);
		char sv[512], cl[512], ob[512];
		text_of(json_object_get(r, "from"), f, sizeof(f));
		text_of(json_object_get(r, "to"), t, sizeof(t));
		text_of(json_object_get(r, "services"), sv, sizeof(sv));
		text_of(json_object_get(r, "classes"), cl, sizeof(cl));
		text_of(json_object_get(r, "objects"), ob, sizeof(ob));
		bool no_obj = json_array_size(json_object_get(r, "objects")) == 0;
		snprintf(buf, sizeof(buf), "mms %s from %s to %s%s%s%s%s%s%s%s%s\t%s",
		         str(r, "action"), f, t, strcmp(sv, "any") ? " service " : "",
		         strcmp(sv, "any") ? sv : "", strcmp(cl, "any") ? " class " : "",
		         strcmp(cl, "any") ? cl : "", no_obj ? "" : " object ", no_obj ? "" : ob,
		         json_is_string(json_object_get(r, "name")) ? " name " : "",
		         json_is_string(json_object_get(r, "name")) ? str(r, "name") : "",
		         s ? s : "");
		free(s);
		add(mms, buf);
	}
}

/* Print a tab-suffixed key up to the tab. */
static void show(const char *sign, const char *key)
{
	const char *tab = strchr(key, '\t');
	printf("  %s %.*s\n", sign, tab ? (int)(tab - key) : (int)strlen(key), key);
}

static size_t section(const char *title, const struct list *a, const struct list *b, bool ordered)
{
	size_t changes = 0;
	bool head = false;
	for (int pass = 0; pass < 2; pass++) {
		const struct list *x = pass ? b : a, *y = pass ? a : b;
		for (size_t i = 0; i < x->n; i++) {
			if (in(y, x->v[i].key))
				continue;
			if (!head)
				printf("%s:\n", title);
			head = true;
			show(pass ? "+" : "-", x->v[i].key);
			changes++;
		}
	}
	if (ordered && !changes && a->n == b->n) {
		for (size_t i = 0; i < a->n; i++)
			if (strcmp(a->v[i].key, b->v[i].key)) {
				printf("%s:\n  ~ same rules, order changed (first match wins)\n",
				       title);
				return 1;
			}
	}
	return changes;
}

static size_t sets(const json_t *a, const json_t *b)
{
	size_t changes = 0, i, k;
	json_t *s, *t, *e;
	bool head = false;
	for (int pass = 0; pass < 2; pass++) {
		const json_t *x = pass ? b : a, *y = pass ? a : b;
		json_array_foreach(json_object_get(x, "sets"), i, s)
		{
			const json_t *match = NULL;
			json_array_foreach(json_object_get(y, "sets"), k,
			                   t) if (!strcmp(str(s, "name"), str(t, "name"))) match =
			    t;
			char el[4096];
			if (!match) {
				if (!head)
					printf("sets:\n");
				head = true;
				text_of(json_object_get(s, "elements"), el, sizeof(el));
				printf("  %s %s %s\n", pass ? "+" : "-", str(s, "name"), el);
				changes++;
				continue;
			}
			if (pass)
				continue;
			/* same name: element differences */
			char line[8192];
			size_t n = 0;
			line[0] = 0;
			for (int dir = 0; dir < 2; dir++) {
				const json_t *from = dir ? json_object_get(match, "elements")
				                         : json_object_get(s, "elements");
				const json_t *other = dir ? json_object_get(s, "elements")
				                          : json_object_get(match, "elements");
				json_array_foreach(from, k, e)
				{
					bool found = false;
					size_t m;
					json_t *f;
					json_array_foreach(other, m, f) found |= json_equal(e, f);
					if (!found && n < sizeof(line))
						n += (size_t)snprintf(line + n, sizeof(line) - n,
						                      " %s%s", dir ? "+" : "-",
						                      json_string_value(e));
				}
			}
			if (n) {
				if (!head)
					printf("sets:\n");
				head = true;
				printf("  ~ %s:%s\n", str(s, "name"), line);
				changes++;
			}
		}
	}
	return changes;
}

static size_t scalar(const json_t *a, const json_t *b, const char *k, const char *label)
{
	char x[256], y[256];
	text_of(json_object_get(a, k), x, sizeof(x));
	text_of(json_object_get(b, k), y, sizeof(y));
	if (!strcmp(x, y))
		return 0;
	printf("%s: %s -> %s\n", label, x, y);
	return 1;
}

static size_t anomalies(const json_t *a, const json_t *b)
{
	size_t changes = 0;
	const char *k;
	json_t *v;
	const json_t *aa = json_object_get(a, "anomalies"), *bb = json_object_get(b, "anomalies");
	json_object_foreach((json_t *)bb, k, v)
	{
		const char *old = json_string_value(json_object_get(aa, k));
		if (!old || strcmp(old, json_string_value(v) ? json_string_value(v) : "")) {
			printf("anomaly %s: %s -> %s\n", k, old ? old : "(default)",
			       json_string_value(v) ? json_string_value(v) : "?");
			changes++;
		}
	}
	json_object_foreach((json_t *)aa, k, v) if (!json_object_get(bb, k))
	{
		printf("anomaly %s: %s -> (default)\n", k,
		       json_string_value(v) ? json_string_value(v) : "?");
		changes++;
	}
	return changes;
}

int mg_cmd_policy_diff(int argc, char **argv)
{
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		printf("usage: mmsgatectl policy diff OLD NEW\n"
		       "  What NEW changes against OLD: sets, GOOSE/SV streams, l2/ip/mms rules,\n"
		       "  mode and defaults. Exit 0 same, 1 different, 2 usage or bad policy.\n");
		return 0;
	}
	if (argc != 3 || argv[1][0] == '-' || argv[2][0] == '-') {
		fprintf(stderr, "usage: mmsgatectl policy diff OLD NEW\n");
		return 2;
	}
	json_t *a = load(argv[1]), *b = load(argv[2]);
	if (!a || !b) {
		json_decref(a);
		json_decref(b);
		return 2;
	}
	size_t n = 0;
	n += scalar(a, b, "mode", "mode");
	n += scalar(a, b, "fragments", "fragments");
	size_t nsets = sets(a, b);
	n += nsets;
	struct list sa = {0}, sb = {0}, la = {0}, lb = {0}, ia = {0}, ib = {0}, ma = {0}, mb = {0};
	l2_lists(a, &sa, &la);
	l2_lists(b, &sb, &lb);
	rule_lists(a, &ia, &ma);
	rule_lists(b, &ib, &mb);
	size_t ns = section("streams (l2 appid/dst)", &sa, &sb, false);
	size_t nl = section("l2", &la, &lb, false);
	n += scalar(a, b, "l2_default", "l2 default");
	size_t ni = section("ip rules", &ia, &ib, true);
	n += scalar(a, b, "ip_default", "ip default");
	size_t nm = section("mms rules", &ma, &mb, true);
	n += scalar(a, b, "mms_default", "mms default");
	n += anomalies(a, b);
	n += ns + nl + ni + nm;
	if (!n)
		printf("no changes\n");
	else
		printf("%zu change%s (sets %zu, streams %zu, l2 %zu, ip %zu, mms %zu)\n", n,
		       n == 1 ? "" : "s", nsets, ns, nl, ni, nm);
	list_free(&sa);
	list_free(&sb);
	list_free(&la);
	list_free(&lb);
	list_free(&ia);
	list_free(&ib);
	list_free(&ma);
	list_free(&mb);
	json_decref(a);
	json_decref(b);
	return n ? 1 : 0;
}
