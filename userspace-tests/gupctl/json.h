/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gupctl --json: one document per command run, built with json-c.  Every
 * document is an object that begins {"schema": GUPCTL_JSON_SCHEMA,
 * "command": ...}; docs/gupctl.schema.json describes them all.  An errno
 * is {"errno": N, "name": "EFAULT"} and a reason {"name", "text", "how"};
 * what is absent is null.
 */
#ifndef GUPCTL_JSON_H
#define GUPCTL_JSON_H

#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>
#include "gpt.h"

#define GUPCTL_JSON_SCHEMA	1

typedef struct json_object jobj;

jobj *j_doc(const char *command);
jobj *j_u64(uint64_t v);
jobj *j_s64(int64_t v);
jobj *j_str(const char *s);
jobj *j_bool(bool v);
/* null for 0, else {"errno": @err, "name": "E..."} */
jobj *j_errno(int err);
/* null for GPT_REASON_NONE, else {"name", "text", "how"} */
jobj *j_reason(uint32_t reason, uint32_t how);
/* GPT_FLAG_* as an array of names */
jobj *j_flags(uint64_t flags);
/* a page sample, or null when no page was there */
jobj *j_sample(const struct gpt_page_sample *s);
/* @obj[@key] = @val (which it takes), and @obj */
jobj *j_set(jobj *obj, const char *key, jobj *val);
/* Prints @doc on one line (to @f) and frees it. */
void j_print(jobj *doc);
void j_fprint(FILE *f, jobj *doc);

#endif /* GUPCTL_JSON_H */
