/* SPDX-License-Identifier: BSD-3-Clause */
/* Temporary: minimal deny-all implementation of the policy API so other
 * modules link while the compiler is written. Replaced file by file. */
#include <stdlib.h>
#include <string.h>

#include "pol_internal.h"

struct mg_policy *mg_policy_compile_file(const char *path, struct mg_diags *d)
{
	return mg_policy_compile_string(path, "", d);
}
struct mg_policy *mg_policy_compile_string(const char *name, const char *text, struct mg_diags *d)
{
	(void)text; (void)d;
	struct mg_policy *p = calloc(1, sizeof(*p));
	if (p)
		p->source = strdup(name ? name : "<string>");
	return p;
}
void mg_policy_free(struct mg_policy *p)
{
	if (p) { free(p->source); free(p); }
}
void mg_policy_print(const struct mg_policy *p, FILE *out) { (void)p; fprintf(out, "# empty policy\n"); }
void mg_policy_print_json(const struct mg_policy *p, FILE *out) { (void)p; fprintf(out, "{}\n"); }
const char *mg_policy_source(const struct mg_policy *p) { return p->source; }
const char *mg_action_str(uint8_t a)
{
	return a == MG_ACT_ALLOW ? "allow" : a == MG_ACT_ALERT ? "alert" : "deny";
}
enum mg_mode mg_policy_mode(const struct mg_policy *p) { return (enum mg_mode)p->mode; }
enum mg_l2_verdict mg_policy_l2(const struct mg_policy *p, uint16_t et, uint16_t vid)
{
	(void)p; (void)vid;
	return (et == 0x0800 || et == 0x86DD) ? MG_L2_IP : MG_L2_DROP;
}
enum mg_conn_verdict mg_policy_conn(const struct mg_policy *p, const struct mg_addr *c,
				    const struct mg_addr *s, uint8_t pr, uint16_t sp, uint16_t dp,
				    struct mg_policy_peer *peer, uint32_t *rule_line)
{
	(void)p; (void)c; (void)s; (void)pr; (void)sp; (void)dp;
	if (peer) memset(peer, 0, sizeof(*peer));
	if (rule_line) *rule_line = 0;
	return MG_CONN_DENY;
}
bool mg_policy_allow_fragments(const struct mg_policy *p) { return p->allow_fragments; }
struct mg_policy_scratch { int dummy; };
struct mg_policy_scratch *mg_policy_scratch_new(void) { return calloc(1, sizeof(struct mg_policy_scratch)); }
int mg_policy_scratch_prepare(struct mg_policy_scratch *s, const struct mg_policy *p) { (void)s; (void)p; return 0; }
void mg_policy_scratch_free(struct mg_policy_scratch *s) { free(s); }
void mg_policy_mms_verdict(const struct mg_policy *p, struct mg_policy_scratch *s,
			   const struct mg_policy_peer *peer, bool from_client,
			   const struct mg_mms_pdu *pdu, struct mg_verdict *v)
{
	(void)s; (void)peer; (void)from_client; (void)pdu;
	memset(v, 0, sizeof(*v));
	v->action = MG_ACT_DENY;
	v->monitor = p->mode == MG_MODE_MONITOR;
	v->rule_index = -1;
	v->obj_index = -1;
}
enum mg_action mg_policy_anomaly_action(const struct mg_policy *p, int reason)
{
	(void)p; (void)reason;
	return MG_ACT_DENY;
}
void mg_policy_export(const struct mg_policy *p, struct mg_policy_export *out)
{
	(void)p;
	memset(out, 0, sizeof(*out));
}
