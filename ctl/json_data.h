/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The decoded data of a write request as JSON members of a replay record
 * ("control" or "values"; see json_mmsdata.c for the shapes).
 */
#ifndef MG_JSON_DATA_H
#define MG_JSON_DATA_H

#include "json_out.h"
#include "mg_mms.h"

/* Writes keys into the open record object; nothing for non-writes. */
void mg_json_write_data(struct mg_json *j, const struct mg_mms_pdu *m);

#endif
