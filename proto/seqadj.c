/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TCP sequence translation for edited flows (mg_seqadj.h says what and
 * why). Everything is O(MG_SEQADJ_MAX_EDITS) per segment on flows that
 * carry edits; flows that never had one never get here.
 */
#include <errno.h>
#include <string.h>

#include "mg_seqadj.h"

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void mg_seqadj_init(struct mg_seqadj *sa)
{
	memset(sa, 0, sizeof(*sa));
}

/* Offset after the last edit of d (what a byte past every edit gets). */
static int32_t tail_off(const struct mg_seqadj_dir *d)
{
	if (!d->n)
		return d->base;
	const struct mg_seqadj_edit *e = &d->e[d->n - 1];
	return e->insert ? e->off + (int32_t)e->len : e->off - (int32_t)e->len;
}

static uint32_t edit_end(const struct mg_seqadj_edit *e)
{
	return e->insert ? e->pos : e->pos + e->len;
}

uint32_t mg_seqadj_fwd(const struct mg_seqadj *sa, uint8_t dir, uint32_t s)
{
	const struct mg_seqadj_dir *d = &sa->d[dir & 1];
	int32_t off = d->base;

	for (unsigned i = 0; i < d->n; i++) {
		const struct mg_seqadj_edit *e = &d->e[i];
		if (mg_seq_lt(s, e->pos))
			break;
		if (e->insert) {
			off = e->off + (int32_t)e->len; /* byte pos follows the inserted bytes */
		} else {
			if (mg_seq_lt(s, e->pos + e->len)) /* inside the dropped bytes */
				return e->pos + (uint32_t)e->off;
			off = e->off - (int32_t)e->len;
		}
	}
	return s + (uint32_t)off;
}

uint32_t mg_seqadj_back(const struct mg_seqadj *sa, uint8_t dir, uint32_t r)
{
	const struct mg_seqadj_dir *d = &sa->d[dir & 1];
	int32_t off = d->base;

	for (unsigned i = 0; i < d->n; i++) {
		const struct mg_seqadj_edit *e = &d->e[i];
		uint32_t rp = e->pos + (uint32_t)e->off; /* the edit in receiver space */
		if (mg_seq_lt(r, rp))
			break;
		if (e->insert) {
			if (mg_seq_lt(r, rp + e->len)) /* within the inserted bytes */
				return e->pos;
			off = e->off + (int32_t)e->len;
		} else {
			off = e->off - (int32_t)e->len; /* acks of rp cover the dropped bytes */
		}
	}
	return r - (uint32_t)off;
}

/* Fold the oldest edits the receiver has acknowledged past into base: the
 * sender will not retransmit below them any more. */
static void prune(struct mg_seqadj_dir *d)
{
	unsigned k = 0;

	while (k < d->n && d->ack_seen) {
		const struct mg_seqadj_edit *e = &d->e[k];
		uint32_t rp_end = e->pos + (uint32_t)e->off + (e->insert ? e->len : 0);
		if (!mg_seq_lt(rp_end, d->rcv_ack))
			break;
		d->base = e->insert ? e->off + (int32_t)e->len : e->off - (int32_t)e->len;
		k++;
	}
	if (k) {
		memmove(d->e, d->e + k, (d->n - k) * sizeof(d->e[0]));
		d->n = (uint8_t)(d->n - k);
	}
}

static int add_edit(struct mg_seqadj_dir *d, uint32_t pos, uint32_t len, bool insert)
{
	if (d->n) {
		struct mg_seqadj_edit *last = &d->e[d->n - 1];
		if (mg_seq_lt(pos, edit_end(last)))
			return -EINVAL; /* edits come in stream order */
		if (last->insert == insert && edit_end(last) == pos && !insert) {
			last->len += len; /* adjacent drops */
			return 0;
		}
		if (insert && last->insert && last->pos == pos) {
			last->len += len; /* two answers at the same point */
			return 0;
		}
	}
	if (d->n == MG_SEQADJ_MAX_EDITS)
		prune(d);
	if (d->n == MG_SEQADJ_MAX_EDITS)
		return -ENOSPC;
	struct mg_seqadj_edit *e = &d->e[d->n];
	e->pos = pos;
	e->len = len;
	e->off = tail_off(d);
	e->insert = insert;
	d->n++;
	return 0;
}

int mg_seqadj_drop(struct mg_seqadj *sa, uint8_t dir, uint32_t pos, uint32_t len)
{
	if (len == 0)
		return 0;
	int rc = add_edit(&sa->d[dir & 1], pos, len, false);
	if (rc == 0)
		sa->bytes_dropped += len;
	return rc;
}

int mg_seqadj_insert(struct mg_seqadj *sa, uint8_t dir, uint32_t pos, const uint8_t *data,
                     uint16_t len, uint32_t request_end, uint64_t now, uint32_t *rseq)
{
	struct mg_seqadj_dir *d = &sa->d[dir & 1];

	if (dir != 1 || len == 0 || !data)
		return -EINVAL; /* answers go toward the client only */
	if (mg_seqadj_queued(sa))
		return -EINVAL; /* queued answers go first: place them */
	if (sa->ninj == 0)
		sa->pool_used = 0;
	if (sa->ninj == MG_SEQADJ_MAX_INJ || (size_t)sa->pool_used + len > MG_SEQADJ_INJ_BYTES)
		return -ENOSPC;
	if (d->n && mg_seq_lt(pos, edit_end(&d->e[d->n - 1])))
		return -EINVAL;
	uint32_t at = pos + (uint32_t)tail_off(d);
	int rc = add_edit(d, pos, len, true);
	if (rc)
		return rc;
	struct mg_seqadj_inj *j = &sa->inj[sa->ninj++];
	memset(j, 0, sizeof(*j));
	j->seq = at;
	j->placed = true;
	j->len = len;
	j->data = sa->pool_used;
	j->last_tx = now;
	j->rto = MG_SEQADJ_RTO_MIN_NS;
	j->tries = 1;
	j->request_end = request_end;
	memcpy(sa->pool + sa->pool_used, data, len);
	sa->pool_used = (uint16_t)(sa->pool_used + len);
	sa->bytes_injected += len;
	if (rseq)
		*rseq = at;
	return 0;
}

int mg_seqadj_queue(struct mg_seqadj *sa, const uint8_t *data, uint16_t len, uint32_t request_end)
{
	if (len == 0 || !data)
		return -EINVAL;
	if (sa->ninj == 0)
		sa->pool_used = 0;
	if (sa->ninj == MG_SEQADJ_MAX_INJ || (size_t)sa->pool_used + len > MG_SEQADJ_INJ_BYTES)
		return -ENOSPC;
	struct mg_seqadj_inj *j = &sa->inj[sa->ninj++];
	memset(j, 0, sizeof(*j));
	j->len = len;
	j->data = sa->pool_used;
	j->rto = MG_SEQADJ_RTO_MIN_NS;
	j->request_end = request_end;
	memcpy(sa->pool + sa->pool_used, data, len);
	sa->pool_used = (uint16_t)(sa->pool_used + len);
	return 0;
}

bool mg_seqadj_queued(const struct mg_seqadj *sa)
{
	return sa->ninj && !sa->inj[sa->ninj - 1].placed;
}

int mg_seqadj_place(struct mg_seqadj *sa, uint32_t pos, uint64_t now)
{
	struct mg_seqadj_dir *d = &sa->d[1];

	for (unsigned k = 0; k < sa->ninj; k++) {
		struct mg_seqadj_inj *j = &sa->inj[k];
		if (j->placed)
			continue;
		uint32_t at = pos + (uint32_t)tail_off(d);
		int rc = add_edit(d, pos, j->len, true);
		if (rc)
			return rc;
		j->seq = at;
		j->placed = true;
		j->resend = true; /* the first transmission is due */
		j->tries = 0;
		j->last_tx = now;
		sa->bytes_injected += j->len;
	}
	return 0;
}

/* The client acknowledged up to ack (client space of the server's stream):
 * free what it has, spot what it is missing. */
static void inj_on_ack(struct mg_seqadj *sa, uint32_t ack, bool dup, const uint32_t *sack,
                       unsigned nsack, struct mg_seqadj_plan *plan)
{
	unsigned k = 0;

	while (k < sa->ninj && sa->inj[k].placed && mg_seq_le(sa->inj[k].seq + sa->inj[k].len, ack))
		k++;
	if (k) {
		memmove(sa->inj, sa->inj + k, (sa->ninj - k) * sizeof(sa->inj[0]));
		sa->ninj = (uint8_t)(sa->ninj - k);
	}
	if (!sa->ninj || !sa->inj[0].placed)
		return;
	struct mg_seqadj_inj *j = &sa->inj[0];
	if (mg_seq_lt(j->seq, ack)) { /* partly acknowledged */
		uint32_t n = ack - j->seq;
		j->seq = ack;
		j->data = (uint16_t)(j->data + n);
		j->len = (uint16_t)(j->len - n);
	}
	if (ack != j->seq)
		return; /* the client misses server data first: the server's job */
	bool hole = false;
	for (unsigned i = 0; i < nsack; i++)
		if (mg_seq_le(j->seq + j->len, sack[2 * i]))
			hole = true; /* it has later bytes, not these */
	if (hole || dup) {
		j->resend = true;
		plan->inj_resend = true;
	}
}

/* Options: TSval of the sender; SACK edges (offsets into th). */
struct opts {
	bool ts;
	uint32_t ts_val;
	unsigned nsack;
	size_t sack_off[4];
};

static void parse_opts(const uint8_t *th, size_t thlen, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	for (size_t i = 20; i < thlen;) {
		uint8_t kind = th[i];
		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= thlen || th[i + 1] < 2 || i + th[i + 1] > thlen)
			break;
		uint8_t len = th[i + 1];
		if (kind == 8 && len == 10) {
			o->ts = true;
			o->ts_val = rd32(th + i + 2);
		} else if (kind == 5 && len >= 10 && (len - 2) % 8 == 0) {
			for (size_t b = i + 2; b + 8 <= i + len && o->nsack < 4; b += 8)
				o->sack_off[o->nsack++] = b;
		}
		i += len;
	}
}

static void keep_range(struct mg_seqadj_plan *p, uint32_t off, uint32_t len)
{
	if (!len)
		return;
	if (p->nkeep && p->keep[p->nkeep - 1].off + p->keep[p->nkeep - 1].len == off) {
		p->keep[p->nkeep - 1].len += len;
	} else if (p->nkeep < MG_SEQADJ_MAX_KEEP) {
		p->keep[p->nkeep].off = off;
		p->keep[p->nkeep].len = len;
		p->nkeep++;
	}
	p->kept += len;
}

void mg_seqadj_segment(struct mg_seqadj *sa, uint8_t dir, uint8_t *th, size_t thlen,
                       uint32_t paylen, uint64_t now, struct mg_seqadj_plan *plan)
{
	struct mg_seqadj_dir *d = &sa->d[dir & 1], *o = &sa->d[(dir & 1) ^ 1];
	uint8_t old[60];
	struct opts op;

	(void)now;
	memset(plan, 0, sizeof(*plan));
	plan->verdict = MG_SEQADJ_FORWARD;
	if (thlen < 20 || thlen > 60) {
		keep_range(plan, 0, paylen);
		return;
	}
	memcpy(old, th, thlen);
	uint32_t seq = rd32(th + 4), ack = rd32(th + 8);
	uint8_t flags = th[13];
	parse_opts(th, thlen, &op);

	/* Learn from the sender. */
	uint32_t end =
	    seq + paylen + ((flags & MG_TCP_FIN) ? 1 : 0) + ((flags & MG_TCP_SYN) ? 1 : 0);
	bool retrans = d->snd_seen && paylen && mg_seq_le(end, d->snd_max);
	if (!d->snd_seen || mg_seq_lt(d->snd_max, end)) {
		d->snd_max = end;
		d->snd_seen = true;
	}
	d->win = (uint16_t)(th[14] << 8 | th[15]);
	if (op.ts && (!d->ts_seen || mg_seq_le(d->ts_val, op.ts_val))) {
		d->ts_val = op.ts_val;
		d->ts_seen = true;
	}

	/* Payload: what survives the drops of this direction. */
	uint32_t cur = seq, pend = seq + paylen;
	bool hit_drop = false;
	for (unsigned i = 0; i < d->n && paylen; i++) {
		const struct mg_seqadj_edit *e = &d->e[i];
		if (e->insert)
			continue;
		uint32_t a = e->pos, b = e->pos + e->len;
		if (mg_seq_le(b, cur) || mg_seq_le(pend, a))
			continue;
		hit_drop = true;
		if (mg_seq_lt(cur, a))
			keep_range(plan, cur - seq, a - cur);
		cur = mg_seq_lt(b, pend) ? b : pend;
	}
	if (mg_seq_lt(cur, pend))
		keep_range(plan, cur - seq, pend - cur);
	plan->rewrite = plan->kept != paylen;
	if (hit_drop && retrans) {
		/* A retransmission of a refused request: answer it again. */
		plan->rerequest = true;
		sa->rerequests++;
		for (unsigned k = 0; k < sa->ninj; k++)
			if (mg_seq_lt(seq, sa->inj[k].request_end) &&
			    mg_seq_le(sa->inj[k].request_end, pend)) {
				sa->inj[k].resend = true;
				plan->inj_resend = true;
			}
	}

	/* Acknowledgement of the other stream (receiver space of it). */
	bool ack_new = false, ack_absorbed = false;
	if (flags & MG_TCP_ACK) {
		uint32_t prev = o->rcv_ack;
		bool had = o->ack_seen;
		bool dup = paylen == 0 && !(flags & (MG_TCP_SYN | MG_TCP_FIN | MG_TCP_RST)) &&
		           o->ack_seen && ack == o->last_ack_dup;
		if (dup) {
			if (o->dupacks < 255)
				o->dupacks++;
		} else {
			o->last_ack_dup = ack;
			o->dupacks = 0;
		}
		if (!o->ack_seen || mg_seq_lt(o->rcv_ack, ack)) {
			o->rcv_ack = ack;
			o->ack_seen = true;
			ack_new = true;
			/* new to the gate, old news to the sender: it only covers
			 * bytes the gate injected */
			ack_absorbed = had && mg_seqadj_back(sa, dir ^ 1, ack) ==
			                          mg_seqadj_back(sa, dir ^ 1, prev);
		}
		if ((dir & 1) == 0) { /* the client acknowledges the server's stream */
			uint32_t edges[8];
			for (unsigned i = 0; i < op.nsack; i++) {
				edges[2 * i] = rd32(th + op.sack_off[i]);
				edges[2 * i + 1] = rd32(th + op.sack_off[i] + 4);
			}
			inj_on_ack(sa, ack, o->dupacks >= 2, edges, op.nsack, plan);
		}
		wr32(th + 8, mg_seqadj_back(sa, dir ^ 1, ack));
		for (unsigned i = 0; i < op.nsack; i++) {
			uint8_t *s = th + op.sack_off[i];
			wr32(s, mg_seqadj_back(sa, dir ^ 1, rd32(s)));
			wr32(s + 4, mg_seqadj_back(sa, dir ^ 1, rd32(s + 4)));
		}
		prune(o);
	}
	wr32(th + 4, mg_seqadj_fwd(sa, dir, seq));
	prune(d);

	/* Nothing left for the receiver: no payload, no flag, no news in the
	 * acknowledgement (forwarding it would be a duplicate ACK there, and
	 * three of those a spurious fast retransmit). */
	if ((paylen == 0 || plan->kept == 0) && !(flags & (MG_TCP_SYN | MG_TCP_FIN | MG_TCP_RST)) &&
	    (paylen ? !ack_new || ack_absorbed : ack_absorbed))
		plan->verdict = MG_SEQADJ_DROP;
	/* The checksum word itself is not part of the difference. */
	old[16] = th[16];
	old[17] = th[17];
	mg_csum_replace(th + 16, old, th, thlen & ~(size_t)1);
}

bool mg_seqadj_next_tx(struct mg_seqadj *sa, uint64_t now, uint32_t *rseq, const uint8_t **data,
                       uint16_t *len, bool *give_up)
{
	*give_up = false;
	for (unsigned k = 0; k < sa->ninj; k++) {
		struct mg_seqadj_inj *j = &sa->inj[k];
		if (!j->placed)
			break;
		bool timeout = now - j->last_tx >= j->rto;
		if (!j->resend && !timeout)
			continue;
		if (j->tries >= MG_SEQADJ_MAX_TRIES) {
			*give_up = true;
			return false;
		}
		j->tries++;
		j->resend = false;
		j->last_tx = now;
		if (timeout && j->rto < MG_SEQADJ_RTO_MAX_NS)
			j->rto *= 2;
		sa->retransmits++;
		*rseq = j->seq;
		*data = sa->pool + j->data;
		*len = j->len;
		return true;
	}
	return false;
}

void mg_seqadj_gate_hdr(const struct mg_seqadj *sa, uint8_t dir, struct mg_seqadj_hdr *h)
{
	const struct mg_seqadj_dir *d = &sa->d[dir & 1], *o = &sa->d[(dir & 1) ^ 1];

	memset(h, 0, sizeof(*h));
	/* dir's sender last acknowledged o's stream at o->rcv_ack (its own,
	 * receiver space); the receiver of dir is o's sender: back to its space. */
	h->ack = mg_seqadj_back(sa, dir ^ 1, o->rcv_ack);
	h->ts_ok = d->ts_seen && o->ts_seen;
	h->ts_val = d->ts_val;
	h->ts_ecr = o->ts_val;
	h->win = d->win;
}

bool mg_seqadj_active(const struct mg_seqadj *sa)
{
	return sa->ninj || sa->d[0].n || sa->d[1].n || sa->d[0].base || sa->d[1].base;
}

void mg_csum_replace(uint8_t csum[2], const uint8_t *oldb, const uint8_t *newb, size_t n)
{
	/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), summed over every word. */
	uint32_t sum = (uint16_t) ~(csum[0] << 8 | csum[1]);

	for (size_t i = 0; i + 1 < n; i += 2) {
		uint16_t m = (uint16_t)(oldb[i] << 8 | oldb[i + 1]);
		uint16_t m2 = (uint16_t)(newb[i] << 8 | newb[i + 1]);
		if (m == m2)
			continue;
		sum += (uint16_t)~m;
		sum += m2;
	}
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	uint16_t hc = (uint16_t)~sum;
	csum[0] = (uint8_t)(hc >> 8);
	csum[1] = (uint8_t)hc;
}
