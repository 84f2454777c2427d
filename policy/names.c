/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The fixed vocabularies of the language that are not MMS service or IEC
 * 61850 class names (those come from the protocol library): EtherType
 * names, anomaly names (the engine's reason strings), actions.
 */
#include <string.h>
#include <strings.h>

#include "pol_internal.h"

static const struct {
	const char *name;
	uint16_t et;
} ethertypes[] = {
    {"ipv4", 0x0800}, {"arp", 0x0806}, {"ipv6", 0x86DD}, {"goose", 0x88B8},
    {"gse", 0x88B9},  {"sv", 0x88BA},  {"lldp", 0x88CC}, {"mrp", 0x88E3},
    {"ptp", 0x88F7},  {"prp", 0x88FB}, {"hsr", 0x892F},
};

const char *const mg_pol_ethertype_names[] = {"ipv4", "arp", "ipv6", "goose", "gse", "sv",
                                              "lldp", "mrp", "ptp",  "prp",   "hsr", NULL};

int mg_pol_ethertype_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(ethertypes) / sizeof(ethertypes[0]); i++)
		if (!strcasecmp(name, ethertypes[i].name))
			return ethertypes[i].et;
	return -1;
}

const char *mg_pol_ethertype_name(uint16_t et)
{
	for (size_t i = 0; i < sizeof(ethertypes) / sizeof(ethertypes[0]); i++)
		if (ethertypes[i].et == et)
			return ethertypes[i].name;
	return NULL;
}

/* Anomalies are named by the engine's reason strings; dashes are accepted
 * for underscores so `request-before-initiate` reads like the rest of the
 * language. */
int mg_pol_anomaly_lookup(const char *name)
{
	char buf[96];
	size_t n = strlen(name);
	if (n >= sizeof(buf))
		return -1;
	for (size_t i = 0; i <= n; i++)
		buf[i] = name[i] == '-' ? '_' : name[i];
	for (int r = 1; r < MG_R__COUNT; r++) {
		const char *s = mg_reason_str((enum mg_reason)r);
		if (s && !strcmp(s, buf))
			return r;
	}
	return -1;
}

int mg_pol_action_lookup(const char *name)
{
	if (!strcmp(name, "allow"))
		return MG_ACT_ALLOW;
	if (!strcmp(name, "deny"))
		return MG_ACT_DENY;
	if (!strcmp(name, "alert"))
		return MG_ACT_ALERT;
	return -1;
}

const char *mg_deny_mode_str(uint8_t m)
{
	return m == MG_DENY_REPLY_ERROR ? "reply-error" : "reset";
}

const char *mg_action_str(uint8_t a)
{
	switch (a) {
	case MG_ACT_ALLOW: return "allow";
	case MG_ACT_ALERT: return "alert";
	default: return "deny";
	}
}
