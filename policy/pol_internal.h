/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to policy/: the in-memory form of a compiled policy and the
 * interfaces between the compiler stages (lexer → parser → check → compile).
 * The parser fills a struct mg_policy directly with what was written (sets,
 * rules as lists of names); check.c validates it; compile.c adds the lookup
 * structures (prefix intervals, L2 table, Hyperscan database). After that
 * nothing writes to it again.
 */
#ifndef MG_POL_INTERNAL_H
#define MG_POL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hs.h>

#include "mg_iec61850.h"
#include "mg_mms.h"
#include "mg_mmsdata.h"
#include "mg_policy.h"
#include "mg_policy_export.h"
#include "mg_status.h"

/* ---- limits ------------------------------------------------------------ */
#define MG_POL_MAX_INCLUDE_DEPTH 8
#define MG_POL_MAX_GLOB          255
#define MG_POL_NAME_MAX          63
#define MG_POL_SET_ANY           0xFFFF /* rule side without a set: any address */

/* ---- diagnostics helpers (diag.c) -------------------------------------- */
struct mg_pol_loc {
	const char *file;
	uint32_t line, col;
};
void mg_pol_diag(struct mg_diags *d, enum mg_diag_sev sev, struct mg_pol_loc loc, const char *token,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- lexer (lexer.c) --------------------------------------------------- */
enum mg_pol_tok {
	MG_TOK_EOF = 0,
	MG_TOK_NL,     /* end of statement */
	MG_TOK_WORD,   /* keyword, name, number, address, range */
	MG_TOK_STRING, /* "quoted" (globs, file names, rule names) */
	MG_TOK_SETREF, /* @name */
	MG_TOK_LBRACE,
	MG_TOK_RBRACE,
	MG_TOK_COMMA,
	MG_TOK_EQUAL,
	MG_TOK_ERROR, /* lexical error, already reported */
};

struct mg_pol_token {
	enum mg_pol_tok type;
	struct mg_pol_loc loc;
	char text[MG_POL_MAX_GLOB + 1]; /* token text (string without quotes) */
	size_t len;
};

struct mg_pol_lexer {
	const char *file;
	const char *src;
	size_t len, pos;
	uint32_t line, col;
	int brace_depth; /* newlines inside { } do not end a statement */
	struct mg_diags *d;
};

void mg_pol_lexer_init(struct mg_pol_lexer *lx, const char *file, const char *src, size_t len,
                       struct mg_diags *d);
void mg_pol_lex(struct mg_pol_lexer *lx, struct mg_pol_token *t);
const char *mg_pol_tok_str(enum mg_pol_tok t);

/* ---- the policy as written + compiled ---------------------------------- */

struct mg_pol_elem {
	bool is_ref;
	uint16_t ref; /* set index when is_ref */
	struct mg_addr addr;
	uint8_t plen;
	struct mg_pol_loc loc;
};

struct mg_pol_set {
	char *name; /* "_anon_N" for inline sets */
	bool anon;
	bool used;
	bool defined;          /* false: only referenced so far */
	struct mg_pol_loc loc; /* definition, or first use while undefined */
	size_t n_elem, cap_elem;
	struct mg_pol_elem *elem;
};

struct mg_pol_l2_stmt {
	uint16_t ethertype;
	bool any_vlan;
	size_t n_range;
	struct {
		uint16_t lo, hi;
	} * range;       /* lo==hi==MG_VID_UNTAGGED for untagged */
	/* Stream identity (GOOSE/GSE/SV APPID, destination MAC): none = any. */
	size_t n_appid;
	struct {
		uint16_t lo, hi;
	} * appid;
	size_t n_mac;
	struct {
		uint64_t lo, hi; /* 48-bit MAC as a number, first octet most significant */
	} * mac;
	uint8_t verdict; /* MG_L2_PASS / MG_L2_DROP / MG_L2_IP */
	uint32_t line;
};

/* How the proto part of an `ip` rule was written (for printing). */
enum mg_pol_ipsvc {
	MG_IPSVC_ANY = 0,
	MG_IPSVC_MMS, /* tcp/102 deep inspection */
	MG_IPSVC_TLS, /* tcp/3782 without DPI */
	MG_IPSVC_TCP,
	MG_IPSVC_UDP,
	MG_IPSVC_ICMP,   /* icmp [echo] */
	MG_IPSVC_ICMPV6, /* icmpv6 [echo] */
	MG_IPSVC_NTP,    /* udp/123 */
	MG_IPSVC_PTP,    /* udp/319-320 */
};

struct mg_pol_irule {
	uint8_t action; /* MG_ACT_ALLOW / MG_ACT_DENY */
	uint8_t svc;    /* enum mg_pol_ipsvc */
	bool echo;      /* icmp echo only */
	bool nd;        /* icmpv6 neighbour/router discovery only */
	uint16_t dport_lo, dport_hi;
	uint16_t from, to; /* set index or MG_POL_SET_ANY */
	uint32_t line;
	struct mg_pol_loc loc;
};

/* A glob as an NFA program: ops MG_GLOB_LIT (ch), MG_GLOB_ONE ('?'),
 * MG_GLOB_STAR ('*', not '/'), MG_GLOB_DSTAR ('**'). */
enum { MG_GLOB_LIT = 0, MG_GLOB_ONE, MG_GLOB_STAR, MG_GLOB_DSTAR };
struct mg_pol_glob {
	uint16_t ntok;
	uint8_t op[MG_POL_MAX_GLOB];
	uint8_t ch[MG_POL_MAX_GLOB];
};

/* Value clauses of an mms rule (what a write asks for; see DESIGN.md
 * "Control and value clauses"). Lists are ORed, clauses ANDed. */
#define MG_POL_MAX_RANGES 8
struct mg_pol_range {
	double lo, hi;
};
enum {
	MG_POLD_CTLVAL = 1 << 0,
	MG_POLD_CHECK = 1 << 1,
	MG_POLD_TEST = 1 << 2,
	MG_POLD_ORIGIN = 1 << 3,
	MG_POLD_SELECT = 1 << 4, /* require select */
	MG_POLD_VALUE = 1 << 5,
};
enum { /* check items */
	MG_POLC_INTERLOCK = 1 << 0,
	MG_POLC_NO_INTERLOCK = 1 << 1,
	MG_POLC_SYNCHRO = 1 << 2,
	MG_POLC_NO_SYNCHRO = 1 << 3,
};
struct mg_pol_data {
	uint8_t clauses;   /* MG_POLD_* present */
	uint8_t ctl_bool;  /* bit 0: off (false), bit 1: on (true) */
	uint8_t ctl_step;  /* bit enum mg_step: stop, lower, higher, reserved */
	uint8_t n_ctl_rng;
	struct mg_pol_range ctl_rng[MG_POL_MAX_RANGES];
	uint8_t check;     /* MG_POLC_* */
	bool test;         /* test true / test false */
	uint16_t origin;   /* bit n: orCat n (0..15) */
	bool value_not;    /* value not R…: some value outside every range */
	uint8_t n_val_rng;
	struct mg_pol_range val_rng[MG_POL_MAX_RANGES];
};

/* `control` statements: the control model of the objects a glob names
 * (matched against the operate name "domain/LN$CO$DO$Oper"). */
enum mg_pol_ctlmodel {
	MG_CTLM_UNKNOWN = 0, /* not declared, not seen on the wire */
	MG_CTLM_DIRECT = 1,  /* ctlModel 1 direct-with-normal-security */
	MG_CTLM_SBO = 2,     /* 2 sbo-with-normal-security */
	MG_CTLM_DIRECT_ENH = 3,
	MG_CTLM_SBO_ENH = 4,
	MG_CTLM_STATUS_ONLY = 5, /* ctlModel 0 (renumbered: 0 means unknown here) */
};
struct mg_pol_ctlm {
	char *glob;
	struct mg_pol_glob g;
	bool has_g2;            /* "*\/X" / "**\/X": X also matches names without a domain */
	struct mg_pol_glob g2;
	uint8_t model;       /* enum mg_pol_ctlmodel */
	uint32_t timeout_ms; /* select timeout */
	uint32_t line;
};

struct mg_pol_mrule {
	uint8_t action;    /* enum mg_action */
	uint8_t deny_mode; /* enum mg_deny_mode */
	bool deny_mode_explicit; /* the rule spelled the mode out */
	bool log;
	char *name;        /* NULL if unnamed */
	uint16_t from, to; /* set index or MG_POL_SET_ANY */
	bool svc_any, class_any;
	uint64_t svc[2];
	uint32_t classes;
	size_t n_glob;
	char **glob;
	int32_t objrule; /* dense index among rules with objects, -1 none */
	uint32_t line;
	struct mg_pol_loc loc;
	struct mg_pol_data d; /* value clauses (ctlval, check, test, origin, require select, value) */
};

/* Prefix lookup: sorted interval starts; the interval [start[i],
 * start[i+1]) has the set mask mask[midx[i]]. */
struct mg_pol_ivt4 {
	size_t n;
	uint32_t *start;
	uint32_t *midx;
};
struct mg_pol_ivt6 {
	size_t n;
	unsigned __int128 *start;
	uint32_t *midx;
};

struct mg_pol_l2_row {
	uint16_t ethertype;
	uint8_t verdict;
	bool untagged;
	bool untagged_stream;       /* untagged only for declared streams */
	uint64_t vid[4096 / 64];    /* VIDs the EtherType may use at all */
	uint64_t stream[4096 / 64]; /* of those, VIDs only for declared streams */
};


struct mg_policy {
	char *source;
	uint64_t generation;
	uint8_t mode;
	bool mode_set;
	bool allow_fragments;
	uint8_t l2_default;
	uint8_t ip_default;  /* MG_ACT_DENY / MG_ACT_ALLOW */
	uint8_t mms_default; /* enum mg_action */
	uint8_t mms_default_deny_mode;
	bool mms_default_log;
	uint8_t anomaly[MG_R__COUNT];
	bool anomaly_set[MG_R__COUNT];

	size_t n_sets, cap_sets;
	struct mg_pol_set *sets;
	size_t n_l2, cap_l2;
	struct mg_pol_l2_stmt *l2;
	size_t n_ip, cap_ip;
	struct mg_pol_irule *ip;
	size_t n_mms, cap_mms;
	struct mg_pol_mrule *mms;
	size_t n_ctlm, cap_ctlm;
	struct mg_pol_ctlm *ctlm;

	/* check.c: reach[s] = s plus every set s includes, transitively */
	struct mg_setmask *reach;

	/* compiled */
	size_t n_l2row;
	struct mg_pol_l2_row *l2row;
	size_t n_l2exact, n_l2wide;
	struct mg_pol_l2_stream *l2exact, *l2wide;
	size_t n_masks;
	struct mg_setmask *masks;
	struct mg_pol_ivt4 v4;
	struct mg_pol_ivt6 v6;
	size_t n_objrules;
	size_t objwords;        /* 64-bit words in an object-rule bitmap */
	uint32_t *objrule_rule; /* object rule → index in mms[] (ascending) */
	size_t n_plain;
	uint32_t *plain_rule; /* indices of rules without objects (ascending) */
	hs_database_t *hs;
	bool hs_literal;          /* hs is a literal prefilter: verify with the globs */
	struct mg_pol_glob *gtok; /* per pattern id: the compiled glob */
	size_t n_always;          /* patterns without a literal: verified on every scan */
	uint32_t *always;
	size_t n_patterns;      /* unique globs */
	size_t n_pattern_aliases; /* of which any-scope aliases ("*\/x" → "x") not written as such */
	char **pattern;         /* unique glob text per pattern id */
	uint32_t *pat_rule_off; /* CSR: pattern id → objrule indices */
	uint32_t *pat_rule;

	/* export view */
	struct mg_pol_l2_entry *x_l2;
	size_t n_x_l2;
	const char **x_set_names;
	struct mg_pol_prefix *x_prefix;
	size_t n_x_prefix;
	size_t n_x_prefix4, n_x_prefix6;
	struct mg_pol_conn_rule *x_conn;
	size_t n_x_conn;
	struct mg_pol_mms_rule *x_mms;

	/* statistics */
	double compile_ms;
	size_t n_files, cap_files;
	char **files; /* every file read (main + includes), for locations */
};

/* policy.c: the driver (file → parse → check → compile) and lifetime. */
struct mg_policy *mg_pol_new(const char *source);

/* util.c: helpers the stages share. */
#define MG_POL_MAX_FILE ((size_t)64 << 20) /* a policy over 64 MiB is a mistake */
void *mg_pol_grow(void *v, size_t *cap, size_t n, size_t elem);
int mg_pol_set_find(const struct mg_policy *p, const char *name);
const char *mg_pol_intern_file(struct mg_policy *p, const char *path);
/* The one reader of policy files (main and includes): NUL-terminated text,
 * *len bytes; NULL with *why (static text) on error, too big or NUL byte. */
char *mg_pol_read_file(const char *path, size_t *len, const char **why);

/* parser.c: parse one file (and its includes) into p. */
void mg_pol_parse(struct mg_policy *p, const char *file, const char *text, size_t len, int depth,
                  struct mg_diags *d);
/* check.c: resolve and validate after parsing; warnings for shadowed rules. */
void mg_pol_check(struct mg_policy *p, struct mg_diags *d);
/* compile.c / prefixset.c / objmatch.c / l2.c */
int mg_pol_compile(struct mg_policy *p, struct mg_diags *d);
int mg_pol_prefix_build(struct mg_policy *p, struct mg_diags *d);
void mg_pol_prefix_lookup(const struct mg_policy *p, const struct mg_addr *a,
                          struct mg_setmask *out);
int mg_pol_objmatch_build(struct mg_policy *p, struct mg_diags *d);
/* "*\/rest", "**\/rest" → rest ("**" → "*") into out (strlen(glob) + 1
 * bytes), the second pattern that lets such a rule see VMD- and AA-specific
 * names; false when the glob has no such form (objmatch.c). */
bool mg_pol_glob_any_scope_item(const char *glob, char *out);
/* Fill bits (p->objwords words) with the object rules whose patterns match
 * name; 0, or -1 if Hyperscan failed (caller treats the name as unknown). */
int mg_pol_objmatch_scan(const struct mg_policy *p, hs_scratch_t *scratch, const char *name,
                         size_t len, uint64_t *bits);
int mg_pol_glob_to_regex(const char *glob, char *out, size_t outsz, const char **why);

int mg_pol_glob_parse(const char *glob, struct mg_pol_glob *g, const char **why);
bool mg_pol_glob_match(const struct mg_pol_glob *g, const char *s, size_t n);
/* Above this many (32) unique patterns the database is a literal prefilter
 * (hs_compile_lit_multi) plus glob verification: regex compile time grows
 * to seconds with thousands of patterns. Tests may lower it. */
extern size_t mg_pol_regex_max;
int mg_pol_l2_build(struct mg_policy *p);
void mg_pol_free_compiled(struct mg_policy *p);

/* names.c: keywords ↔ values */
int mg_pol_ethertype_lookup(const char *name);  /* -1 unknown */
const char *mg_pol_ethertype_name(uint16_t et); /* NULL if unnamed */
int mg_pol_anomaly_lookup(const char *name);    /* enum mg_reason or -1 */
int mg_pol_action_lookup(const char *name);     /* enum mg_action or -1 */

/* parser.c: orCat name (IEC 61850-7-3), NULL above 8 */
const char *mg_pol_orcat_name(unsigned c);

/* suggest.c: closest candidate by edit distance, NULL if nothing is close. */
const char *mg_pol_suggest(const char *word, const char *const *cand, size_t n);
const char *mg_pol_suggest_service(const char *word);
const char *mg_pol_suggest_class(const char *word);
const char *mg_pol_suggest_ethertype(const char *word);
const char *mg_pol_suggest_keyword(const char *word, const char *const *kw);

/* addr.c */
bool mg_pol_parse_prefix(const char *s, struct mg_addr *a, uint8_t *plen, bool *host_bits);
void mg_pol_format_prefix(const struct mg_addr *a, uint8_t plen, char *out, size_t outsz);

static inline void mg_setmask_set(struct mg_setmask *m, unsigned i)
{
	m->w[i / 64] |= 1ull << (i % 64);
}
static inline bool mg_setmask_test(const struct mg_setmask *m, unsigned i)
{
	return (m->w[i / 64] >> (i % 64)) & 1;
}

#endif
