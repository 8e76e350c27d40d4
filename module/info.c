// SPDX-License-Identifier: GPL-2.0
/* GPT_IOC_INFO: what this build supports on the running kernel. */
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include "gpt.h"

static void gpt_info_path(const struct gpt_path_desc *path,
			  struct gpt_path_info *pi)
{
	unsigned int bit;

	strscpy(pi->name, path->name, sizeof(pi->name));
	strscpy(pi->function, path->function, sizeof(pi->function));
	pi->path = path->id;
	pi->reason = gpt_path_unavailable(path);
	for (bit = 0; bit < GPT_FLAG_BITS; bit++) {
		u64 flag = 1ULL << bit;

		if (!(GPT_FLAG_GUP_ALL & flag))
			continue;
		pi->flag_reason[bit] = gpt_path_refusal(path, flag);
		if (!pi->flag_reason[bit])
			pi->flags |= flag;
	}
}

long gpt_ioctl_info(void __user *uarg)
{
	struct gpt_info *info;
	unsigned int i;
	long ret = 0;

	BUILD_BUG_ON(ARRAY_SIZE(info->paths) < GPT_PATH_END - 1);
	/* Too big for the stack; zeroed so reserved fields read zero. */
	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	info->uapi_version = GPT_UAPI_VERSION;
	info->flags = GPT_FLAG_ALL;
	strscpy(info->release, utsname()->release, sizeof(info->release));
	strscpy(info->module_version, GPT_MODULE_VERSION,
		sizeof(info->module_version));
	info->nr_paths = gpt_nr_paths;
	for (i = 0; i < gpt_nr_paths; i++)
		gpt_info_path(&gpt_paths[i], &info->paths[i]);
	if (copy_to_user(uarg, info, sizeof(*info)))
		ret = -EFAULT;
	kfree(info);
	return ret;
}
