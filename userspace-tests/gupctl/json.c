// SPDX-License-Identifier: GPL-2.0
/* gupctl --json: the pieces every document is made of (json.h). */
#include <stdio.h>
#include <string.h>
#include "json.h"

jobj *j_doc(const char *command)
{
	jobj *d = json_object_new_object();

	j_set(d, "schema", json_object_new_int(GUPCTL_JSON_SCHEMA));
	return j_set(d, "command", j_str(command));
}

jobj *j_u64(uint64_t v)
{
	return json_object_new_uint64(v);
}

jobj *j_s64(int64_t v)
{
	return json_object_new_int64(v);
}

jobj *j_str(const char *s)
{
	return json_object_new_string(s);
}

jobj *j_bool(bool v)
{
	return json_object_new_boolean(v);
}

jobj *j_errno(int err)
{
	jobj *e;

	if (!err)
		return NULL;
	e = json_object_new_object();
	j_set(e, "errno", json_object_new_int(err));
	return j_set(e, "name", j_str(gpt_errno_name(err)));
}

jobj *j_reason(uint32_t reason, uint32_t how)
{
	jobj *r;

	if (!reason)
		return NULL;
	r = json_object_new_object();
	j_set(r, "name", j_str(gpt_reason_name(reason)));
	j_set(r, "text", j_str(gpt_reason_text(reason)));
	return j_set(r, "how", how ? j_str(gpt_reason_how_name(how)) : NULL);
}

/* "a,b,c" (or "none") as ["a", "b", "c"] (or []) */
static jobj *name_list(const char *list)
{
	jobj *a = json_object_new_array();
	char buf[512], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	if (strcmp(buf, "none"))
		for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save))
			json_object_array_add(a, j_str(w));
	return a;
}

jobj *j_flags(uint64_t flags)
{
	char buf[512];

	gpt_flags_format(flags, buf, sizeof(buf));
	return name_list(buf);
}

jobj *j_sample(const struct gpt_page_sample *s)
{
	char flags[512];
	jobj *o;

	if (!(s->flags & GPT_PAGE_PRESENT))
		return NULL;
	o = json_object_new_object();
	gpt_sample_flags_format(s->flags, flags, sizeof(flags));
	/* pfn 0 is never a user page: the module hides pfns without CAP_SYS_ADMIN */
	j_set(o, "pfn", s->pfn ? j_u64(s->pfn) : NULL);
	j_set(o, "refcount", j_s64(s->refcount));
	j_set(o, "pincount", j_s64(s->pincount));
	j_set(o, "mapcount", j_s64(s->mapcount));
	j_set(o, "order", j_u64(s->order));
	j_set(o, "zone", j_str(gpt_zone_name(s->zone)));
	j_set(o, "nid", j_u64(s->nid));
	j_set(o, "kind", j_str(gpt_page_kind_name(s->kind)));
	j_set(o, "fs_magic", s->fs_magic ? j_u64(s->fs_magic) : NULL);
	j_set(o, "flags", name_list(flags));
	gpt_vma_format(s->vma, flags, sizeof(flags));
	return j_set(o, "vma", (s->vma & GPT_VMA_KNOWN) ? name_list(flags) : NULL);
}

jobj *j_set(jobj *obj, const char *key, jobj *val)
{
	json_object_object_add(obj, key, val);
	return obj;
}

void j_fprint(FILE *f, jobj *doc)
{
	fprintf(f, "%s\n", json_object_to_json_string_ext(doc, JSON_C_TO_STRING_SPACED |
							  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
}

void j_print(jobj *doc)
{
	j_fprint(stdout, doc);
}
