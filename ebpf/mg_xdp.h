/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The user side of mmsgate's XDP mode (static library mgxdp): load the XDP
 * program from its generated skeleton, turn a compiled policy's flat export
 * into BPF map entries, attach the program to a pair of bridge ports, pin
 * program and maps under a bpffs directory so later invocations (status,
 * reload, detach) find them, and swap policies atomically by generation.
 * mmsgatectl's `xdp` command and the tests are thin front ends over this.
 */
#ifndef MG_XDP_H
#define MG_XDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mg_policy_export.h"
#include "mg_xdp_shared.h"

#define MG_XDP_PIN_DEFAULT "/sys/fs/bpf/mmsgate"

/* File descriptors of the program's maps (owned by whoever opened them). */
struct mg_xdp_maps {
	int gen, cfg, lpm4, lpm6, l2, l2s, conn, peers, xsks, counters;
};

/* Loader settings not carried by the policy. */
struct mg_xdp_params {
	uint8_t fallback; /* enum mg_xdp_fallback */
	bool stateless;   /* replies by swapped rule match instead of tracking */
};

/* Statistics of one map fill (for messages and tests). */
struct mg_xdp_fill_stats {
	size_t n_lpm4, n_lpm6, n_l2, n_l2s, n_conn;
	uint32_t gen; /* the generation now active */
};

const char *mg_xdp_reason_str(unsigned reason);
const char *mg_xdp_fallback_str(uint8_t fb);
int mg_xdp_fallback_parse(const char *s, uint8_t *fb); /* 0 or -EINVAL */
/* What XDP mode enforces and what it does not, for a fallback (lines). */
const char *mg_xdp_enforcement_str(uint8_t fb);

/* ---- maps (xdp_maps.c) ------------------------------------------------ */

/* Fill the idle generation from e, then make it active. The old
 * generation stays intact until the next swap purges it, so frames that
 * already read the old generation finish with a consistent policy.
 * 0 or -errno (the active generation is unchanged on failure). */
/* 0, or -EOPNOTSUPP/-E2BIG with a message naming the policy line when the
 * XDP maps cannot express the policy (l2 stream rules with APPID or MAC
 * ranges, too many streams). mg_xdp_maps_swap refuses such a policy too. */
int mg_xdp_policy_check(const struct mg_policy_export *e, char *err, size_t errlen);
int mg_xdp_maps_swap(const struct mg_xdp_maps *m, const struct mg_policy_export *e,
		     const struct mg_xdp_params *prm, struct mg_xdp_fill_stats *st);
int mg_xdp_maps_active_gen(const struct mg_xdp_maps *m, uint32_t *gen);
int mg_xdp_maps_read_cfg(const struct mg_xdp_maps *m, uint32_t gen, struct mg_xdp_cfg *cfg);
/* Sum of the per-CPU counters. 0 or -errno. */
int mg_xdp_counters_read(int counters_fd, uint64_t out[MG_XDP_R_MAX]);
int mg_xdp_counters_clear(int counters_fd);
/* Make frames arriving on ifindex from leave through peer_ifindex. */
int mg_xdp_peer_set(const struct mg_xdp_maps *m, uint32_t ifindex, uint32_t peer_ifindex);

/* ---- program lifecycle (xdp_loader.c) --------------------------------- */

struct mg_xdp;

/* Open and load the program (not attached, nothing pinned). NULL + errno. */
struct mg_xdp *mg_xdp_open(void);
void mg_xdp_close(struct mg_xdp *x);
int mg_xdp_prog_fd(const struct mg_xdp *x);
const struct mg_xdp_maps *mg_xdp_get_maps(const struct mg_xdp *x);

/* Ensure bpffs is mounted at /sys/fs/bpf. 0 or -errno. */
int mg_xdp_bpffs_ensure(void);

struct mg_xdp_attach_opts {
	const char *pin_dir; /* NULL: MG_XDP_PIN_DEFAULT */
	const char *inside, *outside;
	bool skb_mode;       /* generic XDP instead of native */
	struct mg_xdp_params params;
};

/* Load, fill from e, attach to both ports, pin. On failure nothing stays
 * attached or pinned. err gets a one-line message. 0 or -errno. */
int mg_xdp_attach(const struct mg_xdp_attach_opts *o, const struct mg_policy_export *e,
		  char *err, size_t errlen);
/* Detach from one interface; when no port is left, unpin everything. */
int mg_xdp_detach(const char *pin_dir, const char *ifname, char *err, size_t errlen);
/* Atomic policy swap on the pinned maps. prm NULL: keep the fallback. */
int mg_xdp_reload(const char *pin_dir, const struct mg_policy_export *e,
		  const struct mg_xdp_params *prm, struct mg_xdp_fill_stats *st, char *err,
		  size_t errlen);
/* Open the pinned maps (close with mg_xdp_maps_close). 0 or -errno. */
int mg_xdp_maps_open_pinned(const char *pin_dir, struct mg_xdp_maps *m);
void mg_xdp_maps_close(struct mg_xdp_maps *m);
/* Open the maps of the mmsgate program attached to ifname, whoever loaded
 * it (e.g. DPDK's net_af_xdp with xdp_prog=mmsgate_xdp.bpf.o, which loads
 * its own copy per port and leaves its maps empty: fail closed until a
 * policy is written). -ENOENT if no mmsgate program is attached there. */
int mg_xdp_maps_open_iface(const char *ifname, struct mg_xdp_maps *m, __u32 *prog_id);

struct mg_xdp_prog_info {
	uint32_t id;
	uint32_t xlated_len, jited_len; /* bytes */
	uint32_t verified_insns;
	uint64_t run_cnt, run_time_ns;  /* only with kernel.bpf_stats_enabled */
};
int mg_xdp_prog_info(const char *pin_dir, struct mg_xdp_prog_info *info);
int mg_xdp_prog_info_fd(int prog_fd, struct mg_xdp_prog_info *info);

/* The same on the program attached to ifname (whoever loaded it); peer:
 * where its L2-passed and allowed frames go (NULL: leave as is). */
int mg_xdp_reload_iface(const char *ifname, const char *peer, const struct mg_policy_export *e,
			const struct mg_xdp_params *prm, struct mg_xdp_fill_stats *st, char *err,
			size_t errlen);

/* Print status (policy generation, ports, counters). json: one object.
 * iface non-NULL: the program attached there instead of the pinned one. */
int mg_xdp_status(const char *pin_dir, const char *iface, char *const *ifnames, int n_if,
		  bool json, FILE *out, char *err, size_t errlen);

#endif
