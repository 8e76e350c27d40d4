// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_IOC_INFO: what this build supports on the running kernel.  Paths and
 * the flags each refuses come as arrays of any length.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include "gpt.h"

static void gpt_info_path(const struct gpt_path_desc *path,
			  struct gpt_path_info *pi)
{
	unsigned int bit;

	memset(pi, 0, sizeof(*pi));
	strscpy(pi->name, path->name, sizeof(pi->name));
	strscpy(pi->function, path->function, sizeof(pi->function));
	pi->path = path->id;
	pi->path_class = path->class;
	pi->reason = gpt_path_unavailable(path);
	for (bit = 0; bit < 64; bit++) {
		u64 flag = 1ULL << bit;

		if ((GPT_FLAG_ALL & flag) && !gpt_path_refusal(path, flag))
			pi->flags |= flag;
	}
}

long gpt_ioctl_info(void __user *uarg)
{
	struct gpt_refusal refusals[8];
	struct gpt_path_info pi;
	struct gpt_info_req req;
	struct gpt_info *info;
	unsigned int i, j, n, nr_refusals = 0;
	int ret;

	ret = gpt_req_begin(&req, sizeof(req), GPT_INFO_REQ_SIZE_VER3,
			    GPT_INFO_SIZE_VER3, uarg);
	if (ret)
		return ret;
	if (gpt_array_check(&req.paths, GPT_PATH_INFO_SIZE_VER3) ||
	    gpt_array_check(&req.refusals, GPT_REFUSAL_SIZE_VER3))
		return gpt_req_fail(&req.head, GPT_REASON_BAD_ARGUMENT, -EINVAL);

	for (i = 0; !ret && i < gpt_nr_paths; i++) {
		gpt_info_path(&gpt_paths[i], &pi);
		ret = gpt_array_put(&req.paths, i, &pi, sizeof(pi));
		n = gpt_path_refusals(&gpt_paths[i], refusals,
				      ARRAY_SIZE(refusals));
		for (j = 0; !ret && j < n; j++)
			ret = gpt_array_put(&req.refusals, nr_refusals++,
					    &refusals[j], sizeof(refusals[j]));
	}
	if (ret)
		return ret;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	info->uapi_version = GPT_UAPI_VERSION;
	info->nr_paths = gpt_nr_paths;
	info->nr_refusals = nr_refusals;
	info->query_max = GPT_QUERY_MAX;
	info->flags = GPT_FLAG_ALL;
	info->max_pages = gpt_pin_max_pages();
	info->max_held_pages = READ_ONCE(gpt_max_held_pages);
	strscpy(info->release, utsname()->release, sizeof(info->release));
	strscpy(info->module_version, GPT_MODULE_VERSION,
		sizeof(info->module_version));
	ret = gpt_req_done(&req.head, info, sizeof(*info));
	kfree(info);
	return ret;
}
