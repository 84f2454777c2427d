/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Modular TCP sequence-number comparisons (valid within 2^31 of each
 * other), one definition for every module that orders sequence numbers:
 * the normaliser (mg_tcpnorm.h) and the sequence translator (mg_seqadj.h)
 * are included together by the dataplane.
 */
#ifndef MG_SEQ_H
#define MG_SEQ_H

#include <stdbool.h>
#include <stdint.h>

static inline bool mg_seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}
static inline bool mg_seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

#endif
