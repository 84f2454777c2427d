/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * COTP (ISO 8073 / X.224) TPDU header parsing, classes 0 and 2 as carried in
 * TPKT on port 102. One call parses one TPDU (the payload of one TPKT);
 * reassembly of DT fragments into a TSDU is the engine's job (engine.c).
 */
#ifndef MG_COTP_H
#define MG_COTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mg_status.h"

enum mg_cotp_type {
	MG_COTP_ED = 0x10,
	MG_COTP_EA = 0x20,
	MG_COTP_RJ = 0x50,
	MG_COTP_AK = 0x60,
	MG_COTP_ER = 0x70,
	MG_COTP_DR = 0x80,
	MG_COTP_DC = 0xC0,
	MG_COTP_CC = 0xD0,
	MG_COTP_CR = 0xE0,
	MG_COTP_DT = 0xF0,
};

struct mg_cotp_tpdu {
	uint8_t type;          /* enum mg_cotp_type (code with CDT bits masked) */
	uint8_t li;            /* length indicator */
	bool eot;              /* DT/ED: last TPDU of the TSDU */
	uint16_t dst_ref;      /* CR/CC/DR/DC/ER/AK (and DT class 2) */
	uint16_t src_ref;      /* CR/CC/DR/DC */
	uint8_t cls;           /* CR/CC: protocol class 0..4 */
	uint8_t reason;        /* DR: disconnect reason; ER: reject cause */
	uint32_t tpdu_size;    /* CR/CC: negotiated max TPDU size in bytes, 0 absent */
	uint32_t tpdu_nr;      /* DT/ED/AK: sequence number field */
	const uint8_t *user;   /* user data after the header (DT/ED payload, CR/CC/DR data) */
	size_t user_len;
};

/* Parse the TPDU in p[0..len) (exactly one TPKT payload). */
enum mg_status mg_cotp_parse(const uint8_t *p, size_t len, struct mg_cotp_tpdu *t,
			     enum mg_reason *why);

const char *mg_cotp_type_str(uint8_t type); /* "CR", "DT", … or "?" */

#endif
