/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mg_log(): the daemon's leveled messages (mg_log.h). One formatting path,
 * three sinks; journald's "<N>" stderr prefix is used rather than
 * sd_journal_print so the same binary logs sensibly under a terminal, a
 * container and systemd alike.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mg_log.h"

static bool to_syslog, to_journal;
static int max_level = LOG_INFO;

void mg_log_setup(bool use_syslog, int level)
{
	const char *js = getenv("JOURNAL_STREAM");

	max_level = level;
	to_syslog = use_syslog;
	to_journal = !use_syslog && js != NULL && *js != '\0';
	if (to_syslog)
		openlog("mmsgate", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void mg_log(int prio, const char *fmt, ...)
{
	static const char *const names[] = {"emergency", "alert",  "critical", "error",
	                                    "warning",   "notice", "info",     "debug"};
	char msg[1024];
	va_list ap;

	if (prio > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (to_syslog)
		syslog(prio, "%s", msg);
	else if (to_journal)
		fprintf(stderr, "<%d>%s\n", prio, msg);
	else if (prio <= LOG_WARNING)
		fprintf(stderr, "mmsgate: %s: %s\n", names[prio & 7], msg);
	else
		fprintf(stderr, "mmsgate: %s\n", msg);
}
