/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Address and prefix literals: "10.0.0.1", "10.0.0.0/8", "fd00::/64".
 * A prefix with host bits set is accepted, masked, and reported (the
 * caller warns) — the same choice nftables makes for "10.0.0.1/8".
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pol_internal.h"

bool mg_pol_parse_prefix(const char *s, struct mg_addr *a, uint8_t *plen, bool *host_bits)
{
	char buf[64];
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n + 1);
	char *slash = strchr(buf, '/');
	long len = -1;
	if (slash) {
		*slash = 0;
		const char *q = slash + 1;
		if (!*q || strlen(q) > 3)
			return false;
		char *end;
		len = strtol(q, &end, 10);
		if (*end || len < 0)
			return false;
	}
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, buf, a->a) == 1) {
		a->ver = 4;
		if (len > 32)
			return false;
		if (len < 0)
			len = 32;
	} else if (inet_pton(AF_INET6, buf, a->a) == 1) {
		a->ver = 6;
		if (len > 128)
			return false;
		if (len < 0)
			len = 128;
	} else {
		return false;
	}
	*plen = (uint8_t)len;
	*host_bits = false;
	unsigned nbytes = a->ver == 4 ? 4 : 16;
	for (unsigned bit = (unsigned)len; bit < nbytes * 8; bit++) {
		uint8_t m = (uint8_t)(0x80 >> (bit % 8));
		if (a->a[bit / 8] & m) {
			*host_bits = true;
			a->a[bit / 8] &= (uint8_t)~m;
		}
	}
	return true;
}

void mg_pol_format_prefix(const struct mg_addr *a, uint8_t plen, char *out, size_t outsz)
{
	char buf[INET6_ADDRSTRLEN];
	inet_ntop(a->ver == 4 ? AF_INET : AF_INET6, a->a, buf, sizeof(buf));
	if ((a->ver == 4 && plen == 32) || (a->ver == 6 && plen == 128))
		snprintf(out, outsz, "%s", buf);
	else
		snprintf(out, outsz, "%s/%u", buf, plen);
}
