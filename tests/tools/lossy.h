/* SPDX-License-Identifier: BSD-3-Clause */
/* Maps shared by lossy.bpf.c (the XDP program) and mg-lossy (its loader). */
#ifndef MGT_LOSSY_H
#define MGT_LOSSY_H

struct mg_lossy_cfg {
	__u64 every, burst, skip, max;
	__u64 minlen; /* only segments with at least this much payload count */
};
struct mg_lossy_ctr {
	__u64 seen;    /* data segments of TCP/102 looked at */
	__u64 dropped; /* of them dropped */
};

#endif
