/* SPDX-License-Identifier: BSD-3-Clause */
/* Small helpers shared by the unit tests: hex vectors and event capture. */
#ifndef MG_TEST_UTIL_H
#define MG_TEST_UTIL_H

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Decode a hex string (spaces ignored) into buf; returns the byte count. */
static inline size_t mg_test_hex(const char *hex, uint8_t *buf, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		if (isspace((unsigned char)*hex))
			continue;
		int v = isdigit((unsigned char)*hex) ? *hex - '0' : (tolower((unsigned char)*hex) - 'a' + 10);

		if (hi < 0) {
			hi = v;
		} else {
			if (n < cap)
				buf[n] = (uint8_t)(hi << 4 | v);
			n++;
			hi = -1;
		}
	}
	return n;
}

#endif
