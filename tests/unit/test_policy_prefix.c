/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prefix sets: membership masks with overlapping prefixes across sets,
 * nested @references, IPv4 and IPv6, edges of ranges (first/last address,
 * 0.0.0.0/0, ::/0, 255.255.255.255), checked against a brute-force
 * reference on random addresses.
 */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "pol_internal.h"

static struct mg_addr A(const char *s) {
	struct mg_addr a;
	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, s, a.a) == 1)
		a.ver = 4;
	else
		cr_assert_eq(inet_pton(AF_INET6, s, a.a), 1);
	if (strchr(s, ':'))
		a.ver = 6;
	return a;
}

static struct mg_policy *
P(const char *text)
{
	struct mg_diags d;
	mg_diags_init(&d);
	struct mg_policy *p = mg_policy_compile_string("t", text, &d);
	mg_diags_print(&d, stderr);
	mg_diags_free(&d);
	cr_assert_not_null(p);
	return p;
}

static uint64_t mask_of(const struct mg_policy *p, const char *addr)
{
	struct mg_addr a = A(addr);
	struct mg_setmask m;
	mg_pol_prefix_lookup(p, &a, &m);
	return m.w[0];
}

#define S(i) (1ull << (i))

Test(policy_prefix, overlap_v4)
{
	struct mg_policy *p = P("set wide { 10.0.0.0/8 }\n"
	                        "set mid { 10.1.0.0/16, 192.168.1.0/24 }\n"
	                        "set host { 10.1.2.3 }\n"
	                        "set all { @wide, @host }\n"
	                        "set world { 0.0.0.0/0 }\n"
	                        "set top { 255.255.255.255 }\n");
	cr_assert_eq(mask_of(p, "10.1.2.3"), S(0) | S(1) | S(2) | S(3) | S(4));
	cr_assert_eq(mask_of(p, "10.1.2.4"), S(0) | S(1) | S(3) | S(4));
	cr_assert_eq(mask_of(p, "10.1.255.255"), S(0) | S(1) | S(3) | S(4));
	cr_assert_eq(mask_of(p, "10.2.0.0"), S(0) | S(3) | S(4));
	cr_assert_eq(mask_of(p, "10.0.0.0"), S(0) | S(3) | S(4));
	cr_assert_eq(mask_of(p, "10.255.255.255"), S(0) | S(3) | S(4));
	cr_assert_eq(mask_of(p, "11.0.0.0"), S(4));
	cr_assert_eq(mask_of(p, "9.255.255.255"), S(4));
	cr_assert_eq(mask_of(p, "192.168.1.77"), S(1) | S(4));
	cr_assert_eq(mask_of(p, "0.0.0.0"), S(4));
	cr_assert_eq(mask_of(p, "255.255.255.255"), S(4) | S(5));
	cr_assert_eq(mask_of(p, "255.255.255.254"), S(4));
	/* IPv6 addresses are not in IPv4 sets */
	cr_assert_eq(mask_of(p, "::ffff:10.1.2.3"), 0);
	mg_policy_free(p);
}

Test(policy_prefix, overlap_v6)
{
	struct mg_policy *p = P("set a { 2001:db8::/32 }\n"
	                        "set b { 2001:db8:1::/48, 10.0.0.0/8 }\n"
	                        "set c { 2001:db8:1::1 }\n"
	                        "set d { ::/0 }\n"
	                        "set e { ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff }\n");
	cr_assert_eq(mask_of(p, "2001:db8:1::1"), S(0) | S(1) | S(2) | S(3));
	cr_assert_eq(mask_of(p, "2001:db8:1::2"), S(0) | S(1) | S(3));
	cr_assert_eq(mask_of(p, "2001:db8:2::1"), S(0) | S(3));
	cr_assert_eq(mask_of(p, "2001:db9::"), S(3));
	cr_assert_eq(mask_of(p, "::"), S(3));
	cr_assert_eq(mask_of(p, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), S(3) | S(4));
	cr_assert_eq(mask_of(p, "10.9.9.9"), S(1));
	mg_policy_free(p);
}

/* Random prefixes in 8 sets vs a brute-force membership test. */
Test(policy_prefix, random_vs_bruteforce)
{
	srand(12345);
	enum { NP = 400 };
	uint32_t net[NP];
	uint8_t len[NP], set[NP];
	size_t cap = 64 * NP + 256, n = 0;
	char *text = malloc(cap);
	for (int s = 0; s < 8; s++) {
		n += (size_t)snprintf(text + n, cap - n, "set s%d {", s);
		for (int i = 0; i < NP; i++) {
			if (i % 8 != s)
				continue;
			len[i] = (uint8_t)(8 + rand() % 25);
			uint32_t a = (uint32_t)rand() << 1 ^ (uint32_t)rand();
			a &= 0x0FFFFFFFu; /* dense in 0/4 so prefixes overlap */
			net[i] = a & (len[i] == 0 ? 0 : ~0u << (32 - len[i]));
			set[i] = (uint8_t)s;
			n += (size_t)snprintf(text + n, cap - n, " %u.%u.%u.%u/%u,", net[i] >> 24,
			                      (net[i] >> 16) & 255, (net[i] >> 8) & 255,
			                      net[i] & 255, len[i]);
		}
		n += (size_t)snprintf(text + n, cap - n, " }\n");
	}
	struct mg_policy *p = P(text);
	for (int k = 0; k < 20000; k++) {
		uint32_t x;
		if (k % 2) {
			int i = rand() % NP; /* near a boundary */
			uint32_t size = len[i] == 32 ? 1 : 1u << (32 - len[i]);
			x = net[i] + (uint32_t)(rand() % 3 == 0 ? 0 : rand() % 2 ? size - 1 : size);
		} else {
			x = ((uint32_t)rand() << 1 ^ (uint32_t)rand()) & 0x0FFFFFFFu;
		}
		uint64_t want = 0;
		for (int i = 0; i < NP; i++) {
			uint32_t m = ~0u << (32 - len[i]);
			if ((x & m) == net[i])
				want |= S(set[i]);
		}
		struct mg_addr a = {.ver = 4};
		a.a[0] = (uint8_t)(x >> 24);
		a.a[1] = (uint8_t)(x >> 16);
		a.a[2] = (uint8_t)(x >> 8);
		a.a[3] = (uint8_t)x;
		struct mg_setmask m;
		mg_pol_prefix_lookup(p, &a, &m);
		cr_assert_eq(m.w[0], want, "addr %08x: got %lx want %lx", x, (unsigned long)m.w[0],
		             (unsigned long)want);
	}
	mg_policy_free(p);
	free(text);
}

Test(policy_prefix, export_expanded)
{
	struct mg_policy *p = P("set a { 10.0.0.0/8, fd00::/8 }\nset b { @a, 192.168.0.1 }\n");
	struct mg_policy_export x;
	mg_policy_export(p, &x);
	cr_assert_eq(x.n_sets, 2);
	cr_assert_str_eq(x.set_names[1], "b");
	cr_assert_eq(x.n_prefix, 5); /* a:2, b: 2 via @a + 1 */
	size_t in_b = 0;
	for (size_t i = 0; i < x.n_prefix; i++)
		in_b += x.prefix[i].set_index == 1;
	cr_assert_eq(in_b, 3);
	mg_policy_free(p);
}
