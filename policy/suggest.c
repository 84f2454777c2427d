/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * "did you mean …?": the closest valid word by optimal-string-alignment
 * distance (Levenshtein plus adjacent transpositions, so 'raed' → 'read'
 * costs 1). Case differences cost nothing extra beyond one edit, and an
 * exact case-insensitive match always wins ('getnamelist' → 'getNameList').
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "pol_internal.h"

extern const char *const mg_pol_ethertype_names[];

static size_t osa_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return 1000;
	size_t d[64][64];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost =
			    tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1])
			        ? 0
			        : 1;
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 &&
			    tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

const char *mg_pol_suggest(const char *word, const char *const *cand, size_t n)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1;
	size_t wl = strlen(word);
	size_t limit = wl <= 4 ? 1 : wl <= 8 ? 2 : wl / 4 > 3 ? wl / 4 : 3;
	for (size_t i = 0; i < n; i++) {
		if (!cand[i])
			continue;
		if (!strcasecmp(word, cand[i]))
			return cand[i];
		size_t dd = osa_distance(word, cand[i]);
		if (dd < bestd) {
			bestd = dd;
			best = cand[i];
		}
	}
	return bestd <= limit ? best : NULL;
}

const char *mg_pol_suggest_service(const char *word)
{
	const char *cand[MG_SVC__COUNT];
	size_t n = 0;
	for (uint16_t i = 0; i < MG_SVC__COUNT; i++) {
		const char *s = mg_mms_svc_name(i);
		if (s && strncmp(s, "service-", 8))
			cand[n++] = s;
	}
	return mg_pol_suggest(word, cand, n);
}

const char *mg_pol_suggest_class(const char *word)
{
	const char *cand[MG_IEC__COUNT];
	size_t n = 0;
	for (uint8_t i = 1; i < MG_IEC__COUNT; i++) {
		const char *s = mg_iec_class_str(i);
		if (s)
			cand[n++] = s;
	}
	return mg_pol_suggest(word, cand, n);
}

const char *mg_pol_suggest_ethertype(const char *word)
{
	size_t n = 0;
	while (mg_pol_ethertype_names[n])
		n++;
	return mg_pol_suggest(word, mg_pol_ethertype_names, n);
}

const char *mg_pol_suggest_keyword(const char *word, const char *const *kw)
{
	size_t n = 0;
	while (kw[n])
		n++;
	return mg_pol_suggest(word, kw, n);
}
