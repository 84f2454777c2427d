/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Life cycle of the XDP program: open → load → fill → attach → pin, with one
 * cleanup path that undoes whatever was done, so a failed attach leaves no
 * program on an interface and nothing in bpffs. After attach the kernel
 * objects live on through the pins (program and maps under pin_dir, one
 * file per map name), which is how later `status`, `reload` and `detach`
 * invocations find them without a daemon.
 */
#include <errno.h>
#include <dirent.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "mg_xdp.h"
#include "mmsgate_xdp.skel.h"

#ifndef BPF_FS_MAGIC
#define BPF_FS_MAGIC 0xcafe4a11
#endif
#define MG_XDP_PROG_PIN "mg_xdp"

struct mg_xdp {
	struct mmsgate_xdp *skel;
	struct mg_xdp_maps maps;
};

static void seterr(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}


static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || (level == LIBBPF_INFO && !getenv("MG_XDP_VERBOSE")))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* ---- in-process program ------------------------------------------------- */

struct mg_xdp *mg_xdp_open(void)
{
	struct mg_xdp *x = calloc(1, sizeof(*x));
	int err;

	if (!x)
		return NULL;
	libbpf_set_print(quiet_print);
	x->skel = mmsgate_xdp__open();
	if (!x->skel) {
		err = -errno;
		goto cleanup;
	}
	if ((err = mmsgate_xdp__load(x->skel)))
		goto cleanup;
	x->maps.gen = bpf_map__fd(x->skel->maps.mg_gen);
	x->maps.cfg = bpf_map__fd(x->skel->maps.mg_cfg);
	x->maps.lpm4 = bpf_map__fd(x->skel->maps.mg_lpm4);
	x->maps.lpm6 = bpf_map__fd(x->skel->maps.mg_lpm6);
	x->maps.l2 = bpf_map__fd(x->skel->maps.mg_l2);
	x->maps.l2s = bpf_map__fd(x->skel->maps.mg_l2s);
	x->maps.conn = bpf_map__fd(x->skel->maps.mg_conn);
	x->maps.peers = bpf_map__fd(x->skel->maps.mg_peers);
	x->maps.xsks = bpf_map__fd(x->skel->maps.xsks_map);
	x->maps.counters = bpf_map__fd(x->skel->maps.mg_counters);
	return x;
cleanup:
	mmsgate_xdp__destroy(x->skel);
	free(x);
	errno = err < 0 ? -err : EINVAL;
	return NULL;
}

void mg_xdp_close(struct mg_xdp *x)
{
	if (!x)
		return;
	mmsgate_xdp__destroy(x->skel);
	free(x);
}

int mg_xdp_prog_fd(const struct mg_xdp *x)
{
	return bpf_program__fd(x->skel->progs.mg_xdp);
}

const struct mg_xdp_maps *mg_xdp_get_maps(const struct mg_xdp *x)
{
	return &x->maps;
}

int mg_xdp_bpffs_ensure(void)
{
	struct statfs fs;

	if (statfs("/sys/fs/bpf", &fs) == 0 && (unsigned long)fs.f_type == BPF_FS_MAGIC)
		return 0;
	if (mkdir("/sys/fs/bpf", 0700) && errno != EEXIST)
		return -errno;
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700"))
		return -errno;
	return 0;
}

/* ---- pinned objects ------------------------------------------------------ */

static const char *pin_or_default(const char *pin_dir)
{
	return pin_dir && *pin_dir ? pin_dir : MG_XDP_PIN_DEFAULT;
}

static int pinned_fd(const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return bpf_obj_get(path);
}

void mg_xdp_maps_close(struct mg_xdp_maps *m)
{
	int *fds[] = {&m->gen,  &m->cfg,   &m->lpm4, &m->lpm6,    &m->l2, &m->l2s,
		      &m->conn, &m->peers, &m->xsks, &m->counters};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int mg_xdp_maps_open_pinned(const char *pin_dir, struct mg_xdp_maps *m)
{
	const char *dir = pin_or_default(pin_dir);
	struct {
		int *fd;
		const char *name;
	} t[] = {{&m->gen, "mg_gen"},     {&m->cfg, "mg_cfg"},     {&m->lpm4, "mg_lpm4"},
		 {&m->lpm6, "mg_lpm6"},   {&m->l2, "mg_l2"},       {&m->l2s, "mg_l2s"},
		 {&m->conn, "mg_conn"},
		 {&m->peers, "mg_peers"}, {&m->xsks, "xsks_map"}, {&m->counters, "mg_counters"}};
	int err;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		*t[i].fd = -1;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		*t[i].fd = pinned_fd(dir, t[i].name);
		if (*t[i].fd < 0) {
			err = -errno;
			mg_xdp_maps_close(m);
			return err;
		}
	}
	return 0;
}

int mg_xdp_maps_open_iface(const char *ifname, struct mg_xdp_maps *m, __u32 *prog_id)
{
	struct {
		int *fd;
		const char *name;
	} t[] = {{&m->gen, "mg_gen"},     {&m->cfg, "mg_cfg"},     {&m->lpm4, "mg_lpm4"},
		 {&m->lpm6, "mg_lpm6"},   {&m->l2, "mg_l2"},       {&m->l2s, "mg_l2s"},
		 {&m->conn, "mg_conn"},
		 {&m->peers, "mg_peers"}, {&m->xsks, "xsks_map"}, {&m->counters, "mg_counters"}};
	const size_t nt = sizeof(t) / sizeof(t[0]);
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	unsigned ifindex = if_nametoindex(ifname);
	struct bpf_prog_info pi;
	__u32 ids[32], len = sizeof(pi), id;
	int pfd, err = 0;

	for (size_t i = 0; i < nt; i++)
		*t[i].fd = -1;
	if (!ifindex)
		return -ENODEV;
	if ((err = bpf_xdp_query((int)ifindex, 0, &q)))
		return err;
	id = q.drv_prog_id ? q.drv_prog_id : q.skb_prog_id;
	if (!id)
		return -ENOENT;
	pfd = bpf_prog_get_fd_by_id(id);
	if (pfd < 0)
		return -errno;
	memset(&pi, 0, sizeof(pi));
	pi.nr_map_ids = sizeof(ids) / sizeof(ids[0]);
	pi.map_ids = (__u64)(uintptr_t)ids;
	if (bpf_obj_get_info_by_fd(pfd, &pi, &len)) {
		err = -errno;
		close(pfd);
		return err;
	}
	close(pfd);
	for (__u32 i = 0; i < pi.nr_map_ids && i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct bpf_map_info mi;
		__u32 ml = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);
		bool used = false;

		if (fd < 0)
			continue;
		memset(&mi, 0, sizeof(mi));
		if (bpf_obj_get_info_by_fd(fd, &mi, &ml) == 0) {
			for (size_t k = 0; k < nt; k++) {
				if (*t[k].fd < 0 && strcmp(mi.name, t[k].name) == 0) {
					*t[k].fd = fd;
					used = true;
					break;
				}
			}
		}
		if (!used)
			close(fd);
	}
	for (size_t k = 0; k < nt; k++) {
		if (*t[k].fd < 0) {
			mg_xdp_maps_close(m);
			return -ENOENT; /* not mmsgate's program */
		}
	}
	if (prog_id)
		*prog_id = id;
	return 0;
}

static void unpin_all(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[512];

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

int mg_xdp_prog_info_fd(int prog_fd, struct mg_xdp_prog_info *info)
{
	struct bpf_prog_info pi;
	__u32 len = sizeof(pi);

	memset(&pi, 0, sizeof(pi));
	if (bpf_obj_get_info_by_fd(prog_fd, &pi, &len))
		return -errno;
	memset(info, 0, sizeof(*info));
	info->id = pi.id;
	info->xlated_len = pi.xlated_prog_len;
	info->jited_len = pi.jited_prog_len;
	info->verified_insns = pi.verified_insns;
	info->run_cnt = pi.run_cnt;
	info->run_time_ns = pi.run_time_ns;
	return 0;
}

int mg_xdp_prog_info(const char *pin_dir, struct mg_xdp_prog_info *info)
{
	int fd = pinned_fd(pin_or_default(pin_dir), MG_XDP_PROG_PIN), err;

	if (fd < 0)
		return -errno;
	err = mg_xdp_prog_info_fd(fd, info);
	close(fd);
	return err;
}

/* ---- attach / detach / reload ------------------------------------------- */

int mg_xdp_attach(const struct mg_xdp_attach_opts *o, const struct mg_policy_export *e,
		  char *err, size_t errlen)
{
	const char *dir = pin_or_default(o->pin_dir);
	unsigned in = if_nametoindex(o->inside), out = if_nametoindex(o->outside);
	__u32 flags = (o->skb_mode ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE) |
		      XDP_FLAGS_UPDATE_IF_NOEXIST;
	struct mg_xdp_fill_stats st;
	struct mg_xdp *x = NULL;
	bool in_att = false, out_att = false, pinned = false;
	char path[512];
	struct stat sb;
	int rc, fd;

	if (!in || !out) {
		seterr(err, errlen, "no such interface: %s", !in ? o->inside : o->outside);
		return -ENODEV;
	}
	if (in == out) {
		seterr(err, errlen, "inside and outside are the same interface");
		return -EINVAL;
	}
	if ((rc = mg_xdp_policy_check(e, err, errlen)))
		return rc;
	if ((rc = mg_xdp_bpffs_ensure())) {
		seterr(err, errlen, "cannot mount bpffs on /sys/fs/bpf: %s", strerror(-rc));
		return rc;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, MG_XDP_PROG_PIN);
	if (stat(path, &sb) == 0) {
		seterr(err, errlen, "%s exists: already attached (use reload, or detach first)",
		       path);
		return -EEXIST;
	}
	x = mg_xdp_open();
	if (!x) {
		rc = -errno;
		seterr(err, errlen, "loading the XDP program failed: %s", strerror(-rc));
		return rc;
	}
	fd = mg_xdp_prog_fd(x);
	if ((rc = mg_xdp_maps_swap(&x->maps, e, &o->params, &st))) {
		seterr(err, errlen, "filling the policy maps failed: %s", strerror(-rc));
		goto cleanup;
	}
	if ((rc = mg_xdp_peer_set(&x->maps, in, out)) || (rc = mg_xdp_peer_set(&x->maps, out, in))) {
		seterr(err, errlen, "peer devmap: %s", strerror(-rc));
		goto cleanup;
	}
	if ((rc = bpf_xdp_attach((int)in, fd, flags, NULL))) {
		seterr(err, errlen, "attach to %s (%s mode): %s", o->inside,
		       o->skb_mode ? "skb" : "native", strerror(-rc));
		goto cleanup;
	}
	in_att = true;
	if ((rc = bpf_xdp_attach((int)out, fd, flags, NULL))) {
		seterr(err, errlen, "attach to %s (%s mode): %s", o->outside,
		       o->skb_mode ? "skb" : "native", strerror(-rc));
		goto cleanup;
	}
	out_att = true;
	if (mkdir(dir, 0700) && errno != EEXIST) {
		rc = -errno;
		seterr(err, errlen, "mkdir %s: %s", dir, strerror(-rc));
		goto cleanup;
	}
	pinned = true;
	if ((rc = bpf_object__pin_maps(x->skel->obj, dir)) ||
	    (rc = bpf_program__pin(x->skel->progs.mg_xdp, path))) {
		seterr(err, errlen, "pinning under %s: %s", dir, strerror(-rc));
		goto cleanup;
	}
	mg_xdp_close(x); /* the attachments and pins keep everything alive */
	return 0;
cleanup:
	if (out_att)
		bpf_xdp_detach((int)out, flags & ~XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	if (in_att)
		bpf_xdp_detach((int)in, flags & ~XDP_FLAGS_UPDATE_IF_NOEXIST, NULL);
	if (pinned)
		unpin_all(dir);
	mg_xdp_close(x);
	return rc;
}

static int prog_id_of_fd(int fd, __u32 *id)
{
	struct mg_xdp_prog_info pi = {0};
	int rc = mg_xdp_prog_info_fd(fd, &pi);

	if (!rc)
		*id = pi.id;
	return rc;
}

/* Forget ifindex as a bridge port (its key in the peer map; frames from
 * the other port may still be sent to it until that one is detached too).
 * Keys of interfaces that no longer run our program (deleted, or detached
 * by other means) are dropped too. True when no port is left. */
static bool peers_forget(int peers_fd, __u32 ifindex, __u32 our_id)
{
	__u32 key, next, *prev = NULL, stale[MG_XDP_MAX_IFACES];
	size_t n_stale = 0;
	bool any_left = false;

	bpf_map_delete_elem(peers_fd, &ifindex);
	while (bpf_map_get_next_key(peers_fd, prev, &next) == 0) {
		LIBBPF_OPTS(bpf_xdp_query_opts, q);

		if (bpf_xdp_query((int)next, 0, &q) == 0 &&
		    (q.drv_prog_id == our_id || q.skb_prog_id == our_id))
			any_left = true;
		else if (n_stale < MG_XDP_MAX_IFACES)
			stale[n_stale++] = next;
		key = next;
		prev = &key;
	}
	for (size_t i = 0; i < n_stale; i++)
		bpf_map_delete_elem(peers_fd, &stale[i]);
	return !any_left;
}

int mg_xdp_detach(const char *pin_dir, const char *ifname, char *err, size_t errlen)
{
	const char *dir = pin_or_default(pin_dir);
	unsigned ifindex = if_nametoindex(ifname);
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int prog_fd, peers_fd, rc;
	__u32 our_id = 0;

	if (!ifindex) {
		seterr(err, errlen, "no such interface: %s", ifname);
		return -ENODEV;
	}
	prog_fd = pinned_fd(dir, MG_XDP_PROG_PIN);
	if (prog_fd < 0) {
		rc = -errno;
		seterr(err, errlen, "no mmsgate XDP program pinned under %s", dir);
		return rc;
	}
	if ((rc = prog_id_of_fd(prog_fd, &our_id)))
		goto out;
	if ((rc = bpf_xdp_query((int)ifindex, 0, &q))) {
		seterr(err, errlen, "query %s: %s", ifname, strerror(-rc));
		goto out;
	}
	if (q.drv_prog_id == our_id || q.skb_prog_id == our_id) {
		LIBBPF_OPTS(bpf_xdp_attach_opts, ao, .old_prog_fd = prog_fd);
		__u32 mode = q.drv_prog_id == our_id ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;

		if ((rc = bpf_xdp_detach((int)ifindex, mode | XDP_FLAGS_REPLACE, &ao))) {
			seterr(err, errlen, "detach from %s: %s", ifname, strerror(-rc));
			goto out;
		}
	} else {
		seterr(err, errlen, "%s: mmsgate's program is not attached there", ifname);
		rc = -ENOENT;
	}
	peers_fd = pinned_fd(dir, "mg_peers");
	if (peers_fd >= 0) {
		bool empty = peers_forget(peers_fd, ifindex, our_id);

		close(peers_fd);
		if (empty)
			unpin_all(dir);
	}
out:
	close(prog_fd);
	return rc;
}

static int reload_maps(const struct mg_xdp_maps *mp, const struct mg_policy_export *e,
		       const struct mg_xdp_params *prm, bool per_port, struct mg_xdp_fill_stats *st,
		       char *err, size_t errlen);

int mg_xdp_reload(const char *pin_dir, const struct mg_policy_export *e,
		  const struct mg_xdp_params *prm, struct mg_xdp_fill_stats *st, char *err,
		  size_t errlen)
{
	struct mg_xdp_maps m;
	int rc;

	if ((rc = mg_xdp_maps_open_pinned(pin_dir, &m))) {
		seterr(err, errlen, "no mmsgate XDP maps pinned under %s: %s",
		       pin_or_default(pin_dir), strerror(-rc));
		return rc;
	}
	rc = reload_maps(&m, e, prm, false, st, err, errlen);
	mg_xdp_maps_close(&m);
	return rc;
}

int mg_xdp_reload_iface(const char *ifname, const char *peer, const struct mg_policy_export *e,
			const struct mg_xdp_params *prm, struct mg_xdp_fill_stats *st, char *err,
			size_t errlen)
{
	unsigned pidx = peer ? if_nametoindex(peer) : 0;
	struct mg_xdp_maps m;
	int rc;

	if (peer && !pidx) {
		seterr(err, errlen, "no such interface: %s", peer);
		return -ENODEV;
	}
	if ((rc = mg_xdp_maps_open_iface(ifname, &m, NULL))) {
		seterr(err, errlen, "no mmsgate XDP program attached to %s: %s", ifname,
		       strerror(-rc));
		return rc;
	}
	if (pidx && (rc = mg_xdp_peer_set(&m, if_nametoindex(ifname), pidx)))
		seterr(err, errlen, "peer devmap: %s", strerror(-rc));
	else
		rc = reload_maps(&m, e, prm, true, st, err, errlen);
	mg_xdp_maps_close(&m);
	return rc;
}

/* per_port: a program copy that serves one port only (DPDK's net_af_xdp
 * loads one per port), so it never sees the other direction of a
 * connection: a fresh copy defaults to stateless replies. */
static int reload_maps(const struct mg_xdp_maps *mp, const struct mg_policy_export *e,
		       const struct mg_xdp_params *prm, bool per_port, struct mg_xdp_fill_stats *st,
		       char *err, size_t errlen)
{
	struct mg_xdp_params keep = {.fallback = MG_XDP_FB_DROP, .stateless = per_port};
	const struct mg_xdp_maps m = *mp;
	struct mg_xdp_cfg cfg;
	uint32_t gen;
	int rc;

	if ((rc = mg_xdp_policy_check(e, err, errlen)))
		return rc;
	if (!prm) {
		if (mg_xdp_maps_active_gen(&m, &gen) == 0 && mg_xdp_maps_read_cfg(&m, gen, &cfg) == 0 &&
		    cfg.loaded) {
			keep.fallback = cfg.fallback;
			keep.stateless = cfg.stateless;
		}
		prm = &keep;
	}
	if ((rc = mg_xdp_maps_swap(&m, e, prm, st)))
		seterr(err, errlen, "policy swap failed (old policy stays active): %s",
		       strerror(-rc));
	return rc;
}

/* ---- status -------------------------------------------------------------- */

static void iface_state(unsigned ifindex, __u32 our_id, const char **mode, __u32 *prog_id)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	*mode = "none";
	*prog_id = 0;
	if (bpf_xdp_query((int)ifindex, 0, &q))
		return;
	if (q.drv_prog_id) {
		*prog_id = q.drv_prog_id;
		*mode = q.drv_prog_id == our_id ? "native" : "native-foreign";
	} else if (q.skb_prog_id) {
		*prog_id = q.skb_prog_id;
		*mode = q.skb_prog_id == our_id ? "skb" : "skb-foreign";
	}
}

int mg_xdp_status(const char *pin_dir, const char *iface, char *const *ifnames, int n_if,
		  bool json, FILE *out, char *err, size_t errlen)
{
	const char *dir = iface ? iface : pin_or_default(pin_dir);
	unsigned idx[MG_XDP_MAX_IFACES];
	uint64_t cnt[MG_XDP_R_MAX];
	struct mg_xdp_prog_info pi;
	struct mg_xdp_maps m;
	struct mg_xdp_cfg cfg;
	uint32_t gen = 0;
	int n = 0, rc;

	memset(&pi, 0, sizeof(pi));
	if (iface) {
		__u32 id = 0;
		int pfd;

		if ((rc = mg_xdp_maps_open_iface(iface, &m, &id))) {
			seterr(err, errlen, "no mmsgate XDP program on %s", iface);
			return rc;
		}
		pfd = bpf_prog_get_fd_by_id(id);
		if (pfd >= 0) {
			mg_xdp_prog_info_fd(pfd, &pi);
			close(pfd);
		}
	} else {
		if ((rc = mg_xdp_maps_open_pinned(dir, &m))) {
			seterr(err, errlen, "no mmsgate XDP program pinned under %s (not attached?)",
			       dir);
			return rc;
		}
		mg_xdp_prog_info(dir, &pi);
	}
	memset(&cfg, 0, sizeof(cfg));
	if ((rc = mg_xdp_maps_active_gen(&m, &gen)) || (rc = mg_xdp_maps_read_cfg(&m, gen, &cfg)) ||
	    (rc = mg_xdp_counters_read(m.counters, cnt))) {
		seterr(err, errlen, "reading maps: %s", strerror(-rc));
		goto out;
	}
	if (n_if > 0) {
		for (int i = 0; i < n_if && n < MG_XDP_MAX_IFACES; i++) {
			idx[n] = if_nametoindex(ifnames[i]);
			if (!idx[n]) {
				seterr(err, errlen, "no such interface: %s", ifnames[i]);
				rc = -ENODEV;
				goto out;
			}
			n++;
		}
	} else {
		__u32 key, next, *prev = NULL;

		while (n < MG_XDP_MAX_IFACES && bpf_map_get_next_key(m.peers, prev, &next) == 0) {
			idx[n++] = next;
			key = next;
			prev = &key;
		}
	}

	if (json) {
		fprintf(out,
			"{\"pin_dir\":\"%s\",\"prog_id\":%u,\"xlated_bytes\":%u,\"jited_bytes\":%u,"
			"\"verified_insns\":%u,\"run_cnt\":%llu,\"run_time_ns\":%llu,"
			"\"generation\":%u,\"policy_loaded\":%s,"
			"\"mode\":\"%s\",\"conn_rules\":%u,\"fallback\":\"%s\","
			"\"replies\":\"%s\",\"mms_inspected_without_xsk\":false,"
			"\"tcp102_without_xsk\":\"%s\",\"interfaces\":[",
			dir, pi.id, pi.xlated_len, pi.jited_len, pi.verified_insns,
			(unsigned long long)pi.run_cnt, (unsigned long long)pi.run_time_ns, gen,
			cfg.loaded ? "true" : "false",
			cfg.mode == MG_XDP_MONITOR ? "monitor" : "enforce", cfg.n_conn,
			mg_xdp_fallback_str(cfg.fallback), cfg.stateless ? "stateless" : "tracked",
			cfg.fallback == MG_XDP_FB_PEER   ? "forwarded-uninspected"
			: cfg.fallback == MG_XDP_FB_PASS ? "kernel-stack"
							 : "dropped");
	} else {
		fprintf(out, "mmsgate XDP: prog id %u, %u insns verified, xlated %u B, jited %u B\n",
			pi.id, pi.verified_insns, pi.xlated_len, pi.jited_len);
		fprintf(out, "policy: generation %u, %s, %s mode, %u connection rules, "
			     "no AF_XDP socket -> %s, replies %s\n",
			gen, cfg.loaded ? "loaded" : "NOT LOADED",
			cfg.mode == MG_XDP_MONITOR ? "monitor" : "enforce", cfg.n_conn,
			mg_xdp_fallback_str(cfg.fallback),
			cfg.stateless ? "stateless (swapped rules)" : "tracked");
		if (cfg.loaded)
			fprintf(out, "%s", mg_xdp_enforcement_str(cfg.fallback));
		fprintf(out, "%-16s %-8s %-16s %-8s %s\n", "interface", "ifindex", "xdp", "prog",
			"peer");
	}
	for (int i = 0; i < n; i++) {
		char name[IF_NAMESIZE] = "?", pname[IF_NAMESIZE] = "-";
		const char *mode;
		__u32 prog_id, peer = 0;

		if_indextoname(idx[i], name);
		iface_state(idx[i], pi.id, &mode, &prog_id);
		if (bpf_map_lookup_elem(m.peers, &idx[i], &peer) == 0)
			if_indextoname(peer, pname);
		if (json)
			fprintf(out,
				"%s{\"name\":\"%s\",\"ifindex\":%u,\"xdp\":\"%s\",\"prog_id\":%u,"
				"\"peer\":\"%s\"}",
				i ? "," : "", name, idx[i], mode, prog_id, pname);
		else
			fprintf(out, "%-16s %-8u %-16s %-8u %s\n", name, idx[i], mode, prog_id,
				pname);
	}
	if (json) {
		fprintf(out, "],\"counters\":{");
		for (unsigned r = 0; r < MG_XDP_R_MAX; r++)
			fprintf(out, "%s\"%s\":%llu", r ? "," : "", mg_xdp_reason_str(r),
				(unsigned long long)cnt[r]);
		fprintf(out, "}}\n");
	} else {
		fprintf(out, "%-32s %s\n", "reason", "frames");
		for (unsigned r = 0; r < MG_XDP_R_MAX; r++)
			fprintf(out, "%-32s %llu\n", mg_xdp_reason_str(r),
				(unsigned long long)cnt[r]);
	}
out:
	mg_xdp_maps_close(&m);
	return rc;
}
