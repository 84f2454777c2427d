/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Envelope helpers for the control socket (ctl_proto.h), linked into both
 * mmsgatectl and the daemon so the two sides agree on what a valid message
 * is. Parsing is Jansson's (bounded depth, strict UTF-8, no NUL in
 * strings); this file only adds the envelope checks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl_proto.h"

json_t *mg_ctl_msg_parse(const void *buf, size_t len, const char **code, char *err,
			 size_t errlen)
{
	json_error_t je;
	json_t *m, *v;

	*code = MG_CTL_E_BAD_REQUEST;
	if (len == 0) {
		snprintf(err, errlen, "empty message");
		return NULL;
	}
	if (memchr(buf, '\0', len)) {
		snprintf(err, errlen, "message contains a NUL byte");
		return NULL;
	}
	m = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!m) {
		snprintf(err, errlen, "not valid JSON: %s at byte %d", je.text, je.position);
		return NULL;
	}
	if (!json_is_object(m)) {
		snprintf(err, errlen, "message is not a JSON object");
		json_decref(m);
		return NULL;
	}
	v = json_object_get(m, "v");
	if (!json_is_integer(v) || json_integer_value(v) != MG_CTL_PROTO_VERSION) {
		*code = MG_CTL_E_BAD_VERSION;
		if (json_is_integer(v))
			snprintf(err, errlen, "protocol version %lld not supported (this side speaks %d)",
				 (long long)json_integer_value(v), MG_CTL_PROTO_VERSION);
		else
			snprintf(err, errlen, "missing protocol version \"v\" (this side speaks %d)",
				 MG_CTL_PROTO_VERSION);
		json_decref(m);
		return NULL;
	}
	*code = NULL;
	return m;
}

char *mg_ctl_msg_dump(const json_t *msg, size_t *len)
{
	char *s = json_dumps(msg, JSON_COMPACT);
	if (s)
		*len = strlen(s);
	return s;
}
