/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The configuration file parser (mg_conf.h): one table of keys, each with
 * its type, bounds and destination, so adding a key is one line and every
 * error names file:line. DPDK-free: main.c turns the result into EAL
 * arguments and option defaults; the unit test runs it under ASan.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "mg_conf.h"

enum kind { K_STR, K_U32, K_BOOL, K_PORT, K_MODE, K_LEVEL };

struct key {
	const char *name;
	enum kind kind;
	size_t off, size;  /* destination in struct mg_conf */
	uint32_t min, max; /* K_U32 */
};

#define S(n, f)                                                                                    \
	{                                                                                          \
		n, K_STR, offsetof(struct mg_conf, f), sizeof(((struct mg_conf *)0)->f), 0, 0      \
	}
#define U(n, f, lo, hi)                                                                            \
	{                                                                                          \
		n, K_U32, offsetof(struct mg_conf, f), sizeof(uint32_t), lo, hi                    \
	}
#define B(n, f)                                                                                    \
	{                                                                                          \
		n, K_BOOL, offsetof(struct mg_conf, f), sizeof(int), 0, 0                          \
	}
static const struct key keys[] = {
    {"inside", K_PORT, offsetof(struct mg_conf, inside), MG_CONF_STR, 0, 0},
    {"outside", K_PORT, offsetof(struct mg_conf, outside), MG_CONF_STR, 0, 0},
    S("cores", cores),
    U("memory", memory_mb, 64, 1u << 20),
    B("hugepages", hugepages),
    S("eal-args", eal_args),
    S("policy", policy),
    S("ctl-socket", ctl_socket),
    S("events", events),
    B("events-syslog", events_syslog),
    S("metrics-listen", metrics_listen),
    S("capture-denied", capture_dir),
    U("capture-file-mb", capture_file_mb, 1, 4096),
    U("capture-files", capture_files, 1, 10000),
    U("capture-rate", capture_rate, 1, 1000000),
    U("workers", workers, 1, 16),
    {"mode", K_MODE, offsetof(struct mg_conf, mode), 16, 0, 0},
    {"log-level", K_LEVEL, offsetof(struct mg_conf, log_level), 16, 0, 0},
    B("syslog", log_syslog),
};
#undef S
#undef U
#undef B

void mg_conf_init(struct mg_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->hugepages = -1;
	c->events_syslog = -1;
	c->log_syslog = -1;
}

static int fail(char *err, size_t errlen, const char *name, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errlen, "%s:%u: ", name, line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < errlen)
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

bool mg_conf_pci(const char *s, char *out, size_t outlen)
{
	unsigned dom = 0, bus, dev, fn;
	int n = 0;

	if (sscanf(s, "%4x:%2x:%2x.%1x%n", &dom, &bus, &dev, &fn, &n) == 4 && s[n] == '\0' &&
	    n == 12)
		;
	else if (dom = 0, n = 0,
	         sscanf(s, "%2x:%2x.%1x%n", &bus, &dev, &fn, &n) == 3 && s[n] == '\0' && n == 7)
		;
	else
		return false;
	if (dev > 0x1f || fn > 7)
		return false;
	if (out)
		snprintf(out, outlen, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return true;
}

int mg_conf_port_name(const char *spec, char *out, size_t outlen)
{
	if (mg_conf_pci(spec, out, outlen))
		return 0;
	if (strncmp(spec, "net_", 4) != 0)
		return -1;
	size_t n = strcspn(spec, ",");
	if (n <= 4 || n >= outlen)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!(spec[i] == '_' || (spec[i] >= 'a' && spec[i] <= 'z') ||
		      (spec[i] >= '0' && spec[i] <= '9')))
			return -1;
	memcpy(out, spec, n);
	out[n] = '\0';
	return 0;
}

int mg_conf_log_level(const char *s)
{
	static const struct {
		const char *n;
		int l;
	} lv[] = {{"err", LOG_ERR},       {"error", LOG_ERR}, {"warning", LOG_WARNING},
	          {"notice", LOG_NOTICE}, {"info", LOG_INFO}, {"debug", LOG_DEBUG}};
	for (size_t i = 0; i < sizeof(lv) / sizeof(lv[0]); i++)
		if (!strcmp(s, lv[i].n))
			return lv[i].l;
	return -1;
}

int mg_conf_listen(const char *s, char *addr, size_t addrlen, uint16_t *port)
{
	const char *p = s, *colon;
	char *end;
	unsigned long v;

	if (*s == '[') { /* [v6]:port */
		const char *rb = strchr(s, ']');
		if (!rb || rb[1] != ':' || (size_t)(rb - s - 1) >= addrlen || rb == s + 1)
			return -1;
		memcpy(addr, s + 1, (size_t)(rb - s - 1));
		addr[rb - s - 1] = '\0';
		p = rb + 2;
	} else if ((colon = strrchr(s, ':')) != NULL) {
		if (strchr(s, ':') != colon || colon == s || (size_t)(colon - s) >= addrlen)
			return -1; /* a bare v6 address needs brackets */
		memcpy(addr, s, (size_t)(colon - s));
		addr[colon - s] = '\0';
		p = colon + 1;
	} else {
		snprintf(addr, addrlen, "127.0.0.1");
	}
	errno = 0;
	v = strtoul(p, &end, 10);
	if (errno || end == p || *end || *p == '-' || *p == '+' || v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static int set_value(const struct key *k, struct mg_conf *c, const char *v, const char *name,
                     unsigned line, char *err, size_t errlen)
{
	char *dst = (char *)c + k->off;
	size_t vl = strlen(v);

	switch (k->kind) {
	case K_PORT: {
		char tmp[MG_CONF_STR];
		if (mg_conf_port_name(v, tmp, sizeof(tmp)) != 0)
			return fail(err, errlen, name, line,
			            "%s: '%s' is neither a PCI address (0000:03:00.0) nor a vdev "
			            "(net_af_packet0,iface=eth1)",
			            k->name, v);
	}
		/* fall through */
	case K_STR:
	case K_MODE:
	case K_LEVEL:
		if (vl == 0)
			return fail(err, errlen, name, line, "%s: empty value", k->name);
		if (vl >= k->size)
			return fail(err, errlen, name, line, "%s: value longer than %zu bytes",
			            k->name, k->size - 1);
		if (k->kind == K_MODE && strcmp(v, "enforce") && strcmp(v, "monitor"))
			return fail(err, errlen, name, line, "mode: '%s' is not enforce or monitor",
			            v);
		if (k->kind == K_LEVEL && mg_conf_log_level(v) < 0)
			return fail(err, errlen, name, line,
			            "log-level: '%s' is not err, warning, notice, info or debug",
			            v);
		memcpy(dst, v, vl + 1);
		return 0;
	case K_U32: {
		char *end;
		unsigned long long x;
		errno = 0;
		x = strtoull(v, &end, 10);
		if (errno || end == v || *end || *v == '-' || x < k->min || x > k->max)
			return fail(err, errlen, name, line, "%s: '%s' is not a number in [%u, %u]",
			            k->name, v, k->min, k->max);
		*(uint32_t *)(void *)dst = (uint32_t)x;
		return 0;
	}
	case K_BOOL:
		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on") || !strcmp(v, "1"))
			*(int *)(void *)dst = 1;
		else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "off") ||
		         !strcmp(v, "0"))
			*(int *)(void *)dst = 0;
		else
			return fail(err, errlen, name, line, "%s: '%s' is not yes or no", k->name,
			            v);
		return 0;
	}
	return -1;
}

static bool blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

int mg_conf_parse(const char *name, const char *buf, size_t len, struct mg_conf *c, char *err,
                  size_t errlen)
{
	unsigned line = 0;
	size_t i = 0;

	while (i < len) {
		char l[1024];
		size_t e = i;
		while (e < len && buf[e] != '\n')
			e++;
		line++;
		size_t ll = e - i;
		if (ll >= sizeof(l))
			return fail(err, errlen, name, line, "line longer than %zu bytes",
			            sizeof(l) - 1);
		memcpy(l, buf + i, ll);
		l[ll] = '\0';
		i = e + 1;
		if (memchr(l, '\0', ll))
			return fail(err, errlen, name, line, "NUL byte");
		/* trim */
		char *s = l;
		while (blank(*s))
			s++;
		char *t = s + strlen(s);
		while (t > s && blank(t[-1]))
			*--t = '\0';
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq)
			return fail(err, errlen, name, line, "expected 'key = value'");
		char *ke = eq;
		while (ke > s && blank(ke[-1]))
			ke--;
		*ke = '\0';
		char *v = eq + 1;
		while (blank(*v))
			v++;
		if (*s == '\0')
			return fail(err, errlen, name, line, "missing key before '='");
		const struct key *k = NULL;
		for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]); j++)
			if (!strcmp(keys[j].name, s))
				k = &keys[j];
		if (!k)
			return fail(err, errlen, name, line, "unknown key '%s'", s);
		if (set_value(k, c, v, name, line, err, errlen) != 0)
			return -1;
	}
	return 0;
}

int mg_conf_load(const char *path, struct mg_conf *c, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char buf[65536];
	size_t n;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	bool more = !feof(f) && fgetc(f) != EOF;
	fclose(f);
	if (more) {
		snprintf(err, errlen, "%s: larger than %zu bytes", path, sizeof(buf));
		return -1;
	}
	return mg_conf_parse(path, buf, n, c, err, errlen);
}

/* Append one argument (copied into buf). */
static int push(char **argv, int *argc, int max, char *buf, size_t buflen, size_t *used,
                const char *a)
{
	size_t n = strlen(a) + 1;
	if (*argc >= max || *used + n > buflen)
		return -1;
	memcpy(buf + *used, a, n);
	argv[(*argc)++] = buf + *used;
	*used += n;
	return 0;
}

int mg_conf_eal_argv(const struct mg_conf *c, char *buf, size_t buflen, char **argv, int max)
{
	int argc = 0;
	size_t used = 0;
	char tmp[32];
	const char *ports[2] = {c->inside, c->outside};
	bool any_pci = false;

#define P(a)                                                                                       \
	do {                                                                                       \
		if (push(argv, &argc, max, buf, buflen, &used, (a)) != 0)                          \
			return -1;                                                                 \
	} while (0)
	if (c->cores[0]) {
		P("-l");
		P(c->cores);
	}
	if (c->memory_mb) {
		snprintf(tmp, sizeof(tmp), "%u", c->memory_mb);
		P("-m");
		P(tmp);
	}
	if (c->hugepages == 0)
		P("--no-huge");
	for (int s = 0; s < 2; s++) {
		char pci[32];
		if (!ports[s][0])
			continue;
		if (mg_conf_pci(ports[s], pci, sizeof(pci))) {
			any_pci = true;
			P("-a");
			P(pci);
		} else {
			P("--vdev");
			P(ports[s]);
		}
	}
	if (!any_pci && (c->inside[0] || c->outside[0]))
		P("--no-pci");
	/* eal-args: split on blanks (no quoting: EAL values have no spaces) */
	const char *p = c->eal_args;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t n = strcspn(p, " \t");
		if (n == 0)
			break;
		char a[MG_CONF_STR];
		memcpy(a, p, n);
		a[n] = '\0';
		P(a);
		p += n;
	}
#undef P
	return argc;
}
