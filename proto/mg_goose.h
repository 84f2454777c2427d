/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * GOOSE (IEC 61850-8-1) header fields a stream sanity check needs, and the
 * check itself. A publisher sends each new state with stNum + 1 and sqNum
 * 0, then retransmits it with sqNum 1, 2, …; a frame whose (stNum, sqNum)
 * was already seen or lies behind is a replay (or an injected old state).
 * Tolerated: restart (stNum 1, sqNum 0), forward jumps (frames lost),
 * wrap-around of both counters (serial-number arithmetic: "behind" is less
 * than 2^31 back). Frames with the simulation/test flag are tracked apart
 * by the caller (a test set may run beside the real publisher).
 */
#ifndef MG_GOOSE_H
#define MG_GOOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg_status.h"

struct mg_goose {
	uint16_t appid;
	uint32_t st_num, sq_num;
	bool simulation; /* simulation (Ed2) / test (Ed1) */
};

/* p: the frame from the APPID on (APPID, length, 2 reserved, goosePdu). */
enum mg_status mg_goose_parse(const uint8_t *p, size_t len, struct mg_goose *g,
                              enum mg_reason *why);

struct mg_goose_seq {
	bool valid;
	uint32_t st_num, sq_num;
};

enum mg_goose_verdict {
	MG_GOOSE_OK = 0,      /* new, retransmission or restart: state updated */
	MG_GOOSE_REPLAY = 1,  /* (stNum, sqNum) seen before: state kept */
	MG_GOOSE_BACKWARD = 2 /* stNum or sqNum behind: state kept */
};

enum mg_goose_verdict mg_goose_seq_check(struct mg_goose_seq *s, uint32_t st_num, uint32_t sq_num);

#endif
