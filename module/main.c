// SPDX-License-Identifier: GPL-2.0
/*
 * gup_pin_test: pin user pages through every GUP path from /dev/gup_test
 * and report what the kernel did.  The uapi is include/gup_pin_test.h.
 */
#include <linux/build_bug.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "gpt.h"

unsigned int gpt_max_pages = 1U << 18;
module_param_named(max_pages, gpt_max_pages, uint, 0644);
MODULE_PARM_DESC(max_pages, "Most pages one PIN request may name (default 262144, never above 1048576)");

unsigned int gpt_max_held_pages = 1U << 18;
module_param_named(max_held_pages, gpt_max_held_pages, uint, 0644);
MODULE_PARM_DESC(max_held_pages, "Most pages one open file may hold pinned (default 262144)");

/*
 * compat_ptr_ioctl() passes 32-bit callers' structs through unchanged, so
 * the layout must not depend on the ABI: no implicit padding anywhere.
 * The first published sizes never change (include/gup_pin_test.h).
 */
static_assert(sizeof(struct gpt_head) == 16);
static_assert(sizeof(struct gpt_array) == 16);
static_assert(sizeof(struct gpt_page_sample) == GPT_PAGE_SAMPLE_SIZE_VER3);
static_assert(sizeof(struct gpt_page_record) == GPT_PAGE_RECORD_SIZE_VER3);
static_assert(sizeof(struct gpt_pin) == GPT_PIN_SIZE_ACCOUNT);
static_assert(sizeof(struct gpt_pin_result) == GPT_PIN_RESULT_SIZE_VER3);
static_assert(sizeof(struct gpt_unpin) == GPT_UNPIN_SIZE_VER3);
static_assert(sizeof(struct gpt_unpin_result) == GPT_UNPIN_RESULT_SIZE_VER3);
static_assert(sizeof(struct gpt_query) == GPT_QUERY_SIZE_VER3);
static_assert(sizeof(struct gpt_query_result) == GPT_QUERY_RESULT_SIZE_VER3);
static_assert(sizeof(struct gpt_rw) == GPT_RW_SIZE_VER3);
static_assert(sizeof(struct gpt_rw_result) == GPT_RW_RESULT_SIZE_VER3);
static_assert(sizeof(struct gpt_info_req) == GPT_INFO_REQ_SIZE_VER3);
static_assert(sizeof(struct gpt_info) == GPT_INFO_SIZE_VER3);
static_assert(sizeof(struct gpt_path_info) == GPT_PATH_INFO_SIZE_VER3);
static_assert(sizeof(struct gpt_refusal) == GPT_REFUSAL_SIZE_VER3);
static_assert(sizeof(struct gpt_holds) == GPT_HOLDS_SIZE_VER3);
static_assert(sizeof(struct gpt_holds_result) == GPT_HOLDS_RESULT_SIZE_VER3);
static_assert(sizeof(struct gpt_held_page) == GPT_HELD_PAGE_SIZE_VER3);
static_assert(sizeof(struct gpt_bench) == GPT_BENCH_SIZE_VER3);
static_assert(sizeof(struct gpt_bench_result) == GPT_BENCH_RESULT_SIZE_VER3);
static_assert(sizeof(struct gpt_bench_repeat) == GPT_BENCH_REPEAT_SIZE_VER3);

static int gpt_open(struct inode *inode, struct file *file)
{
	struct gpt_file *gf = kzalloc(sizeof(*gf), GFP_KERNEL);

	if (!gf)
		return -ENOMEM;
	mutex_init(&gf->lock);
	xa_init(&gf->holds);
	file->private_data = gf;
	return nonseekable_open(inode, file);
}

/* The last close of the file, also at process exit: drop every hold. */
static int gpt_release(struct inode *inode, struct file *file)
{
	struct gpt_file *gf = file->private_data;

	gpt_holds_release_all(gf);
	xa_destroy(&gf->holds);
	mutex_destroy(&gf->lock);
	kfree(gf);
	return 0;
}

static long gpt_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct gpt_file *gf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case GPT_IOC_INFO:
		return gpt_ioctl_info(uarg);
	case GPT_IOC_PIN:
		return gpt_ioctl_pin(gf, uarg);
	case GPT_IOC_UNPIN:
		return gpt_ioctl_unpin(gf, uarg);
	case GPT_IOC_QUERY:
		return gpt_ioctl_query(gf, uarg);
	case GPT_IOC_READ:
		return gpt_ioctl_rw(gf, uarg, false);
	case GPT_IOC_WRITE:
		return gpt_ioctl_rw(gf, uarg, true);
	case GPT_IOC_HOLDS:
		return gpt_ioctl_holds(uarg);
	case GPT_IOC_BENCH:
		return gpt_ioctl_bench(uarg);
	}
	return -ENOTTY;
}

static const struct file_operations gpt_fops = {
	.owner = THIS_MODULE,
	.open = gpt_open,
	.release = gpt_release,
	.unlocked_ioctl = gpt_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice gpt_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "gup_test",
	.fops = &gpt_fops,
	.mode = 0600,
};

module_misc_device(gpt_misc);

MODULE_DESCRIPTION("Experiments with pinned user pages: every GUP path, measured");
MODULE_AUTHOR("gup-pin-test developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(GPT_MODULE_VERSION);
