/* SPDX-License-Identifier: BSD-3-Clause */
/* TPKT header validation. */
#include "mg_tpkt.h"

enum mg_status mg_tpkt_header(const uint8_t *p, size_t len, uint16_t *tpkt_len,
			      enum mg_reason *why)
{
	/* Check the version as soon as one byte is there: garbage on port 102
	 * is refused without waiting for more of it. */
	if (len >= 1 && p[0] != 3) {
		*why = MG_R_TPKT_VERSION;
		return MG_MALFORMED;
	}
	if (len < MG_TPKT_HDR_LEN)
		return MG_NEED_MORE;
	uint16_t l = (uint16_t)((p[2] << 8) | p[3]);

	/* p[1] is reserved; RFC 1006 says 0 but receivers must ignore it. */
	if (l < MG_TPKT_MIN_LEN) {
		*why = MG_R_TPKT_LEN_SHORT;
		return MG_MALFORMED;
	}
	*tpkt_len = l;
	return MG_OK;
}
