/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Events (deny, alert, anomaly, policy change): workers copy a fixed-size
 * record into a multi-producer rte_ring and never block — a full ring only
 * bumps events_lost. One non-worker thread drains the ring, formats JSON
 * lines, appends them to --events FILE (and syslog with --events-syslog),
 * and keeps the most recent ones in memory for the control server.
 */
#define _GNU_SOURCE /* pthread_setname_np */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "mg_dp.h"
#include "mg_mmsdata.h"
#include "mg_refuse.h"

#define EV_RING_SIZE 4096
#define EV_RECENT 256
#define EV_LINE 1400

static struct rte_ring *ring;
static FILE *out;
static bool use_syslog;
static pthread_t thr;
static volatile bool thr_run;
static bool thr_started;
static pthread_mutex_t recent_lock = PTHREAD_MUTEX_INITIALIZER;
static char recent[EV_RECENT][EV_LINE];
static unsigned recent_next, recent_n;
static uint64_t ctl_lost;

static const char *type_str(uint8_t t)
{
	switch (t) {
	case MG_DPEV_DENY: return "deny";
	case MG_DPEV_ALERT: return "alert";
	case MG_DPEV_ANOMALY: return "anomaly";
	case MG_DPEV_POLICY: return "policy";
	case MG_DPEV_MONITOR: return "monitor";
	}
	return "?";
}

/* JSON string escaping into a bounded buffer. */
static size_t jesc(char *o, size_t olen, const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n && s[i] && k + 7 < olen; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			o[k++] = '\\';
			o[k++] = (char)c;
		} else if (c < 0x20 || c >= 0x7f) {
			k += (size_t)snprintf(o + k, olen - k, "\\u%04x", c);
		} else {
			o[k++] = (char)c;
		}
	}
	o[k] = '\0';
	return k;
}

static void addr_str(char *o, size_t olen, uint8_t ver, const uint8_t *a, uint16_t port)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(ver == 6 ? AF_INET6 : AF_INET, a, ip, sizeof(ip));
	if (ver == 6)
		snprintf(o, olen, "[%s]:%u", ip, port);
	else
		snprintf(o, olen, "%s:%u", ip, port);
}

static void format(const struct mg_dp_event *e, char *line, size_t len)
{
	char ts[40], tmp[400], c[64], s[64];
	size_t k;
	time_t sec = (time_t)(e->ts_ns / 1000000000ull);
	struct tm tm;

	gmtime_r(&sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	k = (size_t)snprintf(line, len, "{\"time\":\"%s.%06uZ\",\"type\":\"%s\"", ts,
			     (unsigned)((e->ts_ns / 1000) % 1000000), type_str(e->type));
	if (e->type == MG_DPEV_POLICY) {
		jesc(tmp, sizeof(tmp), e->text, sizeof(e->text));
		snprintf(line + k, len - k, ",\"generation\":%" PRIu64 ",\"file\":\"%s\"}", e->gen,
			 tmp);
		return;
	}
	if (e->ver) {
		addr_str(c, sizeof(c), e->ver, e->caddr, e->cport);
		addr_str(s, sizeof(s), e->ver, e->saddr, e->sport);
		k += (size_t)snprintf(line + k, len - k, ",\"client\":\"%s\",\"ied\":\"%s\"", c, s);
	}
	/* A deny carried out without a reset says how (issue 13), as
	 * `mmsgatectl replay --policy` does. */
	k += (size_t)snprintf(line + k, len - k, ",\"action\":\"%s\"",
			      e->carry == MG_REFUSE_REPLY    ? "reply-error"
			      : e->carry == MG_REFUSE_REMOVE ? "remove"
							     : mg_action_str(e->action));
	if (e->type == MG_DPEV_MONITOR)
		k += (size_t)snprintf(line + k, len - k, ",\"monitor\":true");
	if (e->svc != MG_SVC_NONE && mg_mms_svc_name(e->svc))
		k += (size_t)snprintf(line + k, len - k, ",\"pdu\":\"%s\",\"service\":\"%s\"",
				      mg_mms_pdu_str(e->pdu_type), mg_mms_svc_name(e->svc));
	if (e->iec)
		k += (size_t)snprintf(line + k, len - k, ",\"class\":\"%s\"",
				      mg_iec_class_str(e->iec));
	if (e->invoke_id != UINT32_MAX)
		k += (size_t)snprintf(line + k, len - k, ",\"invoke_id\":%u", e->invoke_id);
	if (e->nobj) {
		const char *p = e->text;
		k += (size_t)snprintf(line + k, len - k, ",\"objects\":[");
		for (unsigned i = 0; i < e->nobj && *p && k < len; i++) {
			const char *nl = memchr(p, '\n', (size_t)(e->text + sizeof(e->text) - p));
			size_t n = nl ? (size_t)(nl - p) : strnlen(p, (size_t)(e->text + sizeof(e->text) - p));
			jesc(tmp, sizeof(tmp), p, n);
			k += (size_t)snprintf(line + k, len - k, "%s\"%s\"", i ? "," : "", tmp);
			if (!nl)
				break;
			p = nl + 1;
		}
		k += (size_t)snprintf(line + k, len - k, "]");
	}
	if (e->reason)
		k += (size_t)snprintf(line + k, len - k, ",\"reason\":\"%s\"",
				      mg_reason_str((enum mg_reason)e->reason));
	if (e->rule_line)
		k += (size_t)snprintf(line + k, len - k, ",\"rule_line\":%u", e->rule_line);
	if (e->rule_name[0]) {
		jesc(tmp, sizeof(tmp), e->rule_name, sizeof(e->rule_name));
		k += (size_t)snprintf(line + k, len - k, ",\"rule\":\"%s\"", tmp);
	}
	if (e->data_k && k + 2 < len) {
		/* what the write asked for, as replay prints it */
		char dj[1024];
		size_t n = mg_md_json(e->data, e->data_len, (int)e->data_k - 2, dj, sizeof(dj));
		if (n && k + n + 2 < len)
			k += (size_t)snprintf(line + k, len - k, ",%s", dj);
	}
	if (k < len)
		snprintf(line + k, len - k, "}");
}

static void *writer(void *arg)
{
	struct mg_dp_event evs[32];
	char line[EV_LINE];

	(void)arg;
	for (;;) {
		unsigned n = rte_ring_sc_dequeue_burst_elem(ring, evs, sizeof(evs[0]), 32, NULL);
		if (n == 0) {
			if (!thr_run)
				break;
			if (out)
				fflush(out);
			usleep(5000);
			continue;
		}
		for (unsigned i = 0; i < n; i++) {
			format(&evs[i], line, sizeof(line));
			if (out)
				fprintf(out, "%s\n", line);
			if (use_syslog)
				syslog(evs[i].type == MG_DPEV_ALERT || evs[i].type == MG_DPEV_POLICY
					       ? LOG_NOTICE
					       : LOG_WARNING,
				       "%s", line);
			pthread_mutex_lock(&recent_lock);
			snprintf(recent[recent_next], EV_LINE, "%s", line);
			recent_next = (recent_next + 1) % EV_RECENT;
			if (recent_n < EV_RECENT)
				recent_n++;
			pthread_mutex_unlock(&recent_lock);
		}
	}
	if (out)
		fflush(out);
	return NULL;
}

int mg_dp_events_init(const char *path, bool sys, char *err, size_t errlen)
{
	ring = rte_ring_create_elem("mg_events", sizeof(struct mg_dp_event), EV_RING_SIZE,
				    (int)rte_socket_id(), RING_F_SC_DEQ);
	if (ring == NULL) {
		snprintf(err, errlen, "cannot create the event ring: %s", rte_strerror(rte_errno));
		return -ENOMEM;
	}
	if (path != NULL) {
		out = fopen(path, "a");
		if (out == NULL) {
			snprintf(err, errlen, "--events %s: %s", path, strerror(errno));
			return -errno;
		}
	}
	use_syslog = sys;
	if (sys)
		openlog("mmsgate", LOG_PID, LOG_DAEMON);
	thr_run = true;
	if (pthread_create(&thr, NULL, writer, NULL) != 0) {
		snprintf(err, errlen, "cannot start the event writer thread");
		return -EAGAIN;
	}
	pthread_setname_np(thr, "mg-events");
	thr_started = true;
	return 0;
}

void mg_dp_events_stop(void)
{
	if (thr_started) {
		thr_run = false;
		pthread_join(thr, NULL);
		thr_started = false;
	}
	if (out) {
		fclose(out);
		out = NULL;
	}
	if (use_syslog)
		closelog();
	rte_ring_free(ring);
	ring = NULL;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void mg_dp_event_emit(struct mg_lcore *lc, struct mg_dp_event *ev)
{
	if (ring == NULL)
		return;
	/* Workers: TSC-derived wall time (no syscall on the fast path). */
	if (lc != NULL)
		ev->ts_ns = mg_dp_start_ns +
			    (uint64_t)((double)(lc->now - mg_dp_start_tsc) / (double)mg_dp_hz * 1e9);
	else
		ev->ts_ns = now_ns();
	if (rte_ring_mp_enqueue_elem(ring, ev, sizeof(*ev)) != 0) {
		if (lc)
			lc->ctr->events_lost++;
		else
			__atomic_fetch_add(&ctl_lost, 1, __ATOMIC_RELAXED);
		return;
	}
	if (lc)
		lc->ctr->events++;
}

void mg_dp_event_from_pdu(struct mg_dp_event *ev, const struct mg_flow *f,
			  const struct mg_mms_pdu *pdu)
{
	const struct mg_flow_key *k = &f->key;
	size_t n = 0;

	ev->ver = k->ver;
	memcpy(ev->caddr, f->client_is_a ? k->a : k->b, 16);
	memcpy(ev->saddr, f->client_is_a ? k->b : k->a, 16);
	ev->cport = f->client_is_a ? k->pa : k->pb;
	ev->sport = f->client_is_a ? k->pb : k->pa;
	ev->svc = MG_SVC_NONE;
	ev->invoke_id = UINT32_MAX;
	ev->data_k = 0;
	if (pdu == NULL)
		return;
	int dk = mg_md_json_kind(pdu);
	/* a listOfData too long for an event is left out: the objects say enough */
	if (dk > -2 && pdu->write_data_len <= sizeof(ev->data)) {
		memcpy(ev->data, pdu->write_data, pdu->write_data_len);
		ev->data_len = (uint8_t)pdu->write_data_len;
		ev->data_k = (uint8_t)(dk + 2);
	}
	ev->svc = pdu->service;
	ev->pdu_type = pdu->type;
	ev->iec = pdu->iec_class;
	if (pdu->has_invoke_id)
		ev->invoke_id = pdu->invoke_id;
	for (unsigned i = 0; i < pdu->nobj && n + 2 < sizeof(ev->text); i++) {
		const struct mg_mms_obj *o = &pdu->obj[i];
		int w;
		if (o->domain && o->item)
			w = snprintf(ev->text + n, sizeof(ev->text) - n, "%s%.*s/%.*s", i ? "\n" : "",
				     (int)o->domain_len, (const char *)o->domain, (int)o->item_len,
				     (const char *)o->item);
		else if (o->item)
			w = snprintf(ev->text + n, sizeof(ev->text) - n, "%s%.*s", i ? "\n" : "",
				     (int)o->item_len, (const char *)o->item);
		else if (o->domain)
			w = snprintf(ev->text + n, sizeof(ev->text) - n, "%s%.*s", i ? "\n" : "",
				     (int)o->domain_len, (const char *)o->domain);
		else
			continue;
		if (w < 0 || (size_t)w >= sizeof(ev->text) - n)
			break;
		n += (size_t)w;
		ev->nobj++;
	}
}

void mg_dp_event_anomaly(struct mg_lcore *lc, const struct mg_flow *f, enum mg_reason why)
{
	struct mg_dp_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = MG_DPEV_ANOMALY;
	ev.action = MG_ACT_DENY;
	mg_dp_event_from_pdu(&ev, f, NULL);
	ev.reason = (int32_t)why;
	ev.gen = lc->pol->gen;
	mg_dp_event_emit(lc, &ev);
}

size_t mg_dp_events_recent(char *buf, size_t buflen, unsigned max)
{
	size_t k = 0;

	if (buflen == 0)
		return 0;
	buf[0] = '\0';
	pthread_mutex_lock(&recent_lock);
	unsigned n = recent_n < max ? recent_n : max;
	for (unsigned i = 0; i < n; i++) {
		unsigned idx = (recent_next + EV_RECENT - n + i) % EV_RECENT;
		int w = snprintf(buf + k, buflen - k, "%s\n", recent[idx]);
		if (w < 0 || (size_t)w >= buflen - k)
			break;
		k += (size_t)w;
	}
	pthread_mutex_unlock(&recent_lock);
	return k;
}
