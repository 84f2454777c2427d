/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The daemon's configuration file (/etc/mmsgate/mmsgate.conf): "key = value"
 * lines, '#' comments, no sections, parsed without DPDK so it is unit
 * tested on its own (tests/unit/test_conf.c). It names the two ports by PCI
 * address or vdev string, the cores and memory (so a systemd unit carries
 * no EAL arguments), and the application options; main.c turns it into EAL
 * arguments and option defaults that the command line then overrides.
 * Errors name file:line.
 */
#ifndef MG_CONF_H
#define MG_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MG_CONF_DEFAULT_PATH "/etc/mmsgate/mmsgate.conf"
#define MG_CONF_STR          512

/* Every field is empty / zero / -1 when the file does not set it. */
struct mg_conf {
	char inside[MG_CONF_STR], outside[MG_CONF_STR]; /* PCI address or vdev */
	char cores[128];                                /* EAL -l list */
	uint32_t memory_mb;                             /* EAL -m, 0 = unset */
	int hugepages;                                  /* -1 unset, 0 = --no-huge, 1 */
	char eal_args[MG_CONF_STR];                     /* more EAL args, space-split */
	char policy[MG_CONF_STR];
	char ctl_socket[108]; /* "none" = no control socket */
	char events[MG_CONF_STR];
	int events_syslog;        /* -1 unset */
	char metrics_listen[128]; /* ADDR:PORT or PORT */
	char capture_dir[MG_CONF_STR];
	uint32_t capture_file_mb, capture_files, capture_rate; /* 0 = unset */
	uint32_t workers;                                      /* 0 = unset */
	char mode[16];                                         /* enforce|monitor */
	char log_level[16];                                    /* err|warning|notice|info|debug */
	int log_syslog;                                        /* -1 unset */
};

void mg_conf_init(struct mg_conf *c);
/* Parse buf (name is what errors are prefixed with). 0 or -1 with
 * "name:line: message" in err. Later keys override earlier ones. */
int mg_conf_parse(const char *name, const char *buf, size_t len, struct mg_conf *c, char *err,
                  size_t errlen);
int mg_conf_load(const char *path, struct mg_conf *c, char *err, size_t errlen);

/* A PCI address "DDDD:BB:DD.F" or "BB:DD.F" (then written with domain
 * 0000 into out, which is DPDK's device name for it). */
bool mg_conf_pci(const char *spec, char *out, size_t outlen);
/* The ethdev name of a port spec: the PCI address, or the vdev's name
 * (before the first comma). -1 when spec is neither. */
int mg_conf_port_name(const char *spec, char *out, size_t outlen);

/* EAL arguments from the file: -l, -m, --no-huge, -a PCI / --vdev SPEC per
 * port (--no-pci when neither port is PCI), then eal_args split on blanks.
 * Writes pointers into buf (storage) and argv; returns argc or -1 when
 * argv or buf is too small. */
int mg_conf_eal_argv(const struct mg_conf *c, char *buf, size_t buflen, char **argv, int max);

/* "ADDR:PORT", "[V6]:PORT" or a bare "PORT" (address 127.0.0.1). 0 or -1. */
int mg_conf_listen(const char *s, char *addr, size_t addrlen, uint16_t *port);

/* syslog level of a name (err, warning, notice, info, debug) or -1. */
int mg_conf_log_level(const char *name);

#endif
