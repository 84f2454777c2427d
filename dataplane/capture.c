/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Denied-traffic captures (mg_capture.h). Worker side: a per-worker rate
 * window (capture-rate / workers frames per second each, so no shared
 * counter), one fixed-size record from an rte_mempool (copy of up to
 * MG_CAP_SNAP bytes, so the mbuf goes back to the dataplane at once), one
 * multi-producer enqueue; every failure is a counter, never a wait. Writer
 * side: one DPDK control thread (off the worker cores) dequeues bursts and
 * appends pcap records; a file is rotated when it reaches capture-file-mb,
 * and the oldest denied-*.pcap files beyond capture-files are removed.
 * Files are created 0640 (O_EXCL) and flushed after every burst, so what
 * is on disk is readable (tshark, Wireshark) while the gate runs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "mg_capture.h"
#include "mg_dp.h"
#include "mg_log.h"

#define MG_CAP_SNAP  2048 /* bytes kept per frame (jumbo frames are cut) */
#define MG_CAP_RING  1024
#define MG_CAP_BURST 32

struct cap_rec {
	uint64_t ts_ns;
	uint32_t caplen, len;
	uint8_t kind;
	uint8_t data[MG_CAP_SNAP];
};

/* Per worker, written by that worker only. */
struct cap_wstate {
	uint64_t win_end; /* TSC */
	uint32_t n;       /* frames taken in the current window */
	uint64_t ring_full, rate_limited;
} __rte_cache_aligned;

bool mg_capture_on;
static struct cap_wstate wst[MG_DP_MAX_WORKERS];
static uint32_t per_worker_rate;
static struct rte_mempool *pool;
static struct rte_ring *ring;
static pthread_t writer_tid;
static volatile bool writer_stop;
static char cap_dir[512];
static uint64_t file_max, files_max;
/* writer's own (read by metrics without locks: aligned 64-bit) */
static volatile uint64_t n_written, n_errors;

void mg_capture_frame(struct mg_lcore *lc, const struct rte_mbuf *m, unsigned kind)
{
	if (unlikely(mg_capture_on))
		mg_capture_frame_slow(lc, m, kind);
}

void mg_capture_frame_slow(struct mg_lcore *lc, const struct rte_mbuf *m, unsigned kind)
{
	struct cap_wstate *w = &wst[lc->wid];
	uint64_t now = lc->now ? lc->now : rte_rdtsc();
	struct cap_rec *r;

	if (now >= w->win_end) {
		w->win_end = now + mg_dp_hz;
		w->n = 0;
	}
	if (w->n >= per_worker_rate) {
		w->rate_limited++;
		return;
	}
	if (rte_mempool_get(pool, (void **)&r) != 0) {
		w->ring_full++;
		return;
	}
	w->n++;
	r->len = rte_pktmbuf_pkt_len(m);
	r->caplen = RTE_MIN(r->len, (uint32_t)MG_CAP_SNAP);
	r->kind = (uint8_t)kind;
	r->ts_ns = mg_dp_start_ns +
	           (uint64_t)((double)(rte_rdtsc() - mg_dp_start_tsc) * 1e9 / (double)mg_dp_hz);
	const void *p = rte_pktmbuf_read(m, 0, r->caplen, r->data);
	if (p != r->data)
		memcpy(r->data, p, r->caplen);
	if (rte_ring_mp_enqueue(ring, r) != 0) {
		rte_mempool_put(pool, r);
		w->ring_full++;
	}
}

void mg_capture_stats(uint64_t *written, uint64_t *ring_full, uint64_t *rate_limited,
                      uint64_t *errors)
{
	uint64_t rf = 0, rl = 0;
	for (unsigned i = 0; i < MG_DP_MAX_WORKERS; i++) {
		rf += ((volatile struct cap_wstate *)&wst[i])->ring_full;
		rl += ((volatile struct cap_wstate *)&wst[i])->rate_limited;
	}
	*written = n_written;
	*ring_full = rf;
	*rate_limited = rl;
	*errors = n_errors;
}

/* ---- writer ------------------------------------------------------------ */

static pcap_t *dead;
static pcap_dumper_t *dumper;
static uint64_t cur_bytes;
static unsigned seq;

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Keep at most keep denied-*.pcap files (names sort by time). */
static void prune(unsigned keep)
{
	DIR *d = opendir(cap_dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		if (strncmp(e->d_name, "denied-", 7) || l < 12 ||
		    strcmp(e->d_name + l - 5, ".pcap"))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			char **nn = realloc(names, cap * sizeof(*names));
			if (nn == NULL)
				break;
			names = nn;
		}
		names[n] = strdup(e->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	if (names)
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		if (n - i > keep) {
			char path[1024];
			snprintf(path, sizeof(path), "%s/%s", cap_dir, names[i]);
			if (unlink(path) != 0)
				mg_log(LOG_WARNING, "capture: cannot remove %s: %s", path,
				       strerror(errno));
		}
		free(names[i]);
	}
	free(names);
}

static int open_next(void)
{
	char path[1024], stamp[32];
	time_t t = time(NULL);
	struct tm tm;

	if (dumper) {
		pcap_dump_close(dumper);
		dumper = NULL;
	}
	prune((unsigned)files_max - 1);
	gmtime_r(&t, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	snprintf(path, sizeof(path), "%s/denied-%s-%06u.pcap", cap_dir, stamp, seq++ % 1000000);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0) {
		mg_log(LOG_ERR, "capture: %s: %s", path, strerror(errno));
		return -1;
	}
	(void)fchmod(fd, 0640); /* whatever the umask */
	FILE *fp = fdopen(fd, "wb");
	if (fp == NULL) {
		close(fd);
		return -1;
	}
	dumper = pcap_dump_fopen(dead, fp);
	if (dumper == NULL) {
		mg_log(LOG_ERR, "capture: %s: %s", path, pcap_geterr(dead));
		fclose(fp);
		return -1;
	}
	cur_bytes = 24;
	return 0;
}

static void write_rec(const struct cap_rec *r)
{
	struct pcap_pkthdr h;

	if ((dumper == NULL || cur_bytes + 16 + r->caplen > file_max) && open_next() != 0) {
		n_errors++;
		return;
	}
	h.ts.tv_sec = (time_t)(r->ts_ns / 1000000000ull);
	h.ts.tv_usec = (suseconds_t)(r->ts_ns % 1000000000ull / 1000);
	h.caplen = r->caplen;
	h.len = r->len;
	pcap_dump((u_char *)dumper, &h, r->data);
	cur_bytes += 16 + r->caplen;
	n_written++;
}

static unsigned drain(void)
{
	void *b[MG_CAP_BURST];
	unsigned n = rte_ring_sc_dequeue_burst(ring, b, MG_CAP_BURST, NULL);

	for (unsigned i = 0; i < n; i++)
		write_rec(b[i]);
	if (n) {
		rte_mempool_put_bulk(pool, b, n);
		if (dumper && pcap_dump_flush(dumper) != 0)
			n_errors++;
	}
	return n;
}

static void *writer(void *arg)
{
	(void)arg;
	while (!writer_stop) {
		if (drain() == 0)
			usleep(10000);
	}
	while (drain() != 0)
		;
	return NULL;
}

int mg_capture_start(const char *dir, uint32_t file_mb, uint32_t files, uint32_t rate,
                     unsigned nworkers, char *err, size_t errlen)
{
	struct stat st;

	snprintf(cap_dir, sizeof(cap_dir), "%s", dir);
	if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "capture directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) || access(dir, W_OK) != 0) {
		snprintf(err, errlen, "capture directory %s is not a writable directory", dir);
		return -1;
	}
	file_max = (uint64_t)(file_mb ? file_mb : 16) << 20;
	files_max = files ? files : 8;
	rate = rate ? rate : 100;
	per_worker_rate = RTE_MAX(1u, rate / (nworkers ? nworkers : 1));
	dead = pcap_open_dead(DLT_EN10MB, MG_CAP_SNAP);
	pool = rte_mempool_create("mg_cap", 2 * MG_CAP_RING - 1, sizeof(struct cap_rec), 32, 0,
	                          NULL, NULL, NULL, NULL, (int)rte_socket_id(), 0);
	ring = rte_ring_create("mg_cap", MG_CAP_RING, (int)rte_socket_id(), RING_F_SC_DEQ);
	if (dead == NULL || pool == NULL || ring == NULL) {
		snprintf(err, errlen, "capture: cannot allocate its ring and buffers: %s",
		         rte_strerror(rte_errno));
		return -1;
	}
	if (rte_ctrl_thread_create(&writer_tid, "mg-capture", NULL, writer, NULL) != 0) {
		snprintf(err, errlen, "capture: cannot start the writer thread");
		return -1;
	}
	mg_capture_on = true;
	mg_log(LOG_INFO, "capture: denied frames to %s (%u MiB x %u files, %u frames/s)", dir,
	       (unsigned)(file_max >> 20), (unsigned)files_max, rate);
	return 0;
}

void mg_capture_stop(void)
{
	if (!mg_capture_on)
		return;
	mg_capture_on = false;
	writer_stop = true;
	pthread_join(writer_tid, NULL);
	if (dumper) {
		pcap_dump_close(dumper);
		dumper = NULL;
	}
	if (dead)
		pcap_close(dead);
	rte_ring_free(ring);
	rte_mempool_free(pool);
}
