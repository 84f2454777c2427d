/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The daemon's own messages (start-up, reloads, failures of its non-worker
 * threads) with syslog levels. Never called by workers on the packet path
 * (they count instead). Destination, chosen once at start-up:
 *   --syslog            syslog(3), facility daemon, ident "mmsgate";
 *   under systemd       stderr with "<N>" level prefixes, which journald
 *   (JOURNAL_STREAM)    turns into priorities;
 *   otherwise           stderr as "mmsgate: [level: ]message".
 */
#ifndef MG_LOG_H
#define MG_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* level: the highest priority still shown (LOG_INFO by default). */
void mg_log_setup(bool use_syslog, int level);
void mg_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
