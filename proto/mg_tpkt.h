/* SPDX-License-Identifier: BSD-3-Clause */
/* TPKT (RFC 1006) framing: version 3, 16-bit length including the header. */
#ifndef MG_TPKT_H
#define MG_TPKT_H

#include <stddef.h>
#include <stdint.h>

#include "mg_status.h"

#define MG_TPKT_HDR_LEN 4
#define MG_TPKT_MIN_LEN 7 /* header + the smallest COTP TPDU (DT, class 0) */

/* Reads the 4-byte header at p. MG_NEED_MORE with fewer than 4 bytes;
 * otherwise *tpkt_len is the total TPKT length (header included). */
enum mg_status mg_tpkt_header(const uint8_t *p, size_t len, uint16_t *tpkt_len,
			      enum mg_reason *why);

#endif
