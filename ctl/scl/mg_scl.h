/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The substation's engineering file (IEC 61850-6 SCL: SCD, CID, ICD …) as
 * far as a firewall policy needs it: IEDs and their IP addresses (only from
 * Communication/SubNetwork/ConnectedAP/Address), logical devices (MMS
 * domains), and the GOOSE/SV streams the GSE/SMV elements declare. Read
 * with libxml2 (scl_read.c); turned into policy text by scl_policy.c.
 * Values that cannot be used (loopback, bad APPID …) are kept with the
 * reason, so the generated policy can say what it left out and why.
 */
#ifndef MG_SCL_H
#define MG_SCL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MG_SCL_NAME 96

struct mg_scl_addr {
	char text[64]; /* as written (trimmed) */
	int family;    /* 4, 6, or 0 when unusable */
	char why[64];  /* why unusable: "loopback", "not an IP address" … */
	char subnet[MG_SCL_NAME], ap[MG_SCL_NAME];
	unsigned line;
};

struct mg_scl_ld {
	char domain[MG_SCL_NAME]; /* MMS domain: ldName (Ed2) or IED name + inst */
	char inst[MG_SCL_NAME];
};

struct mg_scl_ied {
	char name[MG_SCL_NAME];
	bool declared;  /* has an <IED> element (not only a ConnectedAP) */
	bool connected; /* named by at least one ConnectedAP */
	size_t n_addr;
	struct mg_scl_addr *addr;
	size_t n_ld;
	struct mg_scl_ld *ld;
	unsigned line;
};

struct mg_scl_stream {
	bool sv;   /* SMV (0x88BA) or GSE (GOOSE 0x88B8) */
	bool gsse; /* GSEControl type="GSSE": not GOOSE, not passed */
	char ied[MG_SCL_NAME], ld[MG_SCL_NAME], cb[MG_SCL_NAME];
	char subnet[MG_SCL_NAME], ap[MG_SCL_NAME];
	bool cb_found; /* the control block exists in the IED section */
	bool has_mac;
	uint8_t mac[6];
	int appid;    /* -1 absent */
	int vid;      /* -1 absent */
	char ip[64];  /* R-GOOSE/R-SV multicast address (P type="IP"), "" none */
	char why[96]; /* non-empty: unusable (bad MAC/APPID …), commented */
	unsigned line;
};

struct mg_scl {
	char file[256];
	char hdr_id[MG_SCL_NAME], hdr_version[MG_SCL_NAME], hdr_revision[MG_SCL_NAME],
	    hdr_tool[MG_SCL_NAME];
	char version[16], revision[16], release[16]; /* SCL root attributes */
	size_t n_subnet, n_cap;
	size_t n_ied;
	struct mg_scl_ied *ied;
	size_t n_stream;
	struct mg_scl_stream *stream;
};

/* Read path. 0, or -1 with "file:line: message" in err (malformed XML, not
 * an SCL file, unreadable). */
int mg_scl_read(const char *path, struct mg_scl *out, char *err, size_t errlen);
void mg_scl_free(struct mg_scl *s);

/* Command-line parts of the policy. */
struct mg_scl_client {
	char name[64];
	char prefixes[1024]; /* "10.0.0.0/24,fd00::1" */
};
struct mg_scl_role {
	char name[64];     /* a client's name */
	char classes[512]; /* "read,report" */
	char lds[512];     /* "" or "PROT,CTRL": limit to these logical devices */
};
struct mg_scl_opts {
	size_t n_client;
	const struct mg_scl_client *client;
	size_t n_role;
	const struct mg_scl_role *role;
	bool enforce; /* mode enforce (default monitor) */
};

/* Write the policy text. 0, or -1 with a message in err (a role naming an
 * unknown client or logical device). */
int mg_scl_policy(const struct mg_scl *s, const struct mg_scl_opts *o, FILE *out, char *err,
                  size_t errlen);

#endif
