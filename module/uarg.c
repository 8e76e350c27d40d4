// SPDX-License-Identifier: GPL-2.0
/*
 * Extensible structs (include/gup_pin_test.h): requests copied in with
 * copy_struct_from_user(), results and array elements written out up to
 * the size the caller knows, the rest of its room zeroed.
 */
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/uaccess.h>
#include "gpt.h"

/*
 * A request whose first u32 is its size.  -EINVAL below @minsize, -E2BIG
 * past a page or with unknown trailing bytes set; in that last case @dst
 * still gets the fields the module knows, so that a reason can be sent.
 */
int gpt_copy_req(void *dst, size_t ksize, size_t minsize,
		 const void __user *src)
{
	u32 usize;
	int ret;

	if (get_user(usize, (const u32 __user *)src))
		return -EFAULT;
	if (usize < minsize)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return copy_from_user(dst, src, ksize) ? -EFAULT : -E2BIG;
	ret = copy_struct_from_user(dst, ksize, src, usize);
	if (ret == -E2BIG && copy_from_user(dst, src, ksize))
		return -EFAULT;
	return ret;
}

int gpt_reason_errno(u32 reason)
{
	switch (reason) {
	case GPT_REASON_NO_HANDLE:
		return -ENOENT;
	case GPT_REASON_PTRACE:
		return -EPERM;
	case GPT_REASON_NO_PROCESS:
		return -ESRCH;
	case GPT_REASON_HOLD_LIMIT:
		return -ENOSPC;
	case GPT_REASON_MEMLOCK:
		return -ENOMEM;
	default:
		return -EINVAL;
	}
}

/* Room for a result: at least @minsize bytes. */
int gpt_result_check(u64 uptr, u32 usize, size_t minsize)
{
	if (!uptr || usize < minsize || usize > PAGE_SIZE)
		return -EINVAL;
	return 0;
}

/* @res starts with its u32 size, which this sets to the bytes written. */
int gpt_result_put(u64 uptr, u32 usize, void *res, size_t ksize)
{
	void __user *p = u64_to_user_ptr(uptr);
	size_t n = min_t(size_t, usize, ksize);

	*(u32 *)res = n;
	if (copy_to_user(p, res, n))
		return -EFAULT;
	if (usize > ksize && clear_user(p + ksize, usize - ksize))
		return -EFAULT;
	return 0;
}

/*
 * Fail with @err, saying @reason in a result whose room is valid; every
 * result has its reason at offset 4.
 */
int gpt_result_fail(u64 uptr, u32 usize, size_t ksize, u32 reason, int err)
{
	u32 head[2] = { 0, reason };

	if (gpt_result_check(uptr, usize, sizeof(head)))
		return err;
	if (gpt_result_put(uptr, min_t(u32, usize, ksize), head, sizeof(head)))
		return -EFAULT;
	return err;
}

/* An array window: none at all, or room of elements of @minsize or more. */
int gpt_array_check(const struct gpt_array *a, size_t minsize)
{
	size_t bytes;

	if (!a->ptr)
		return a->count || a->elem_size ? -EINVAL : 0;
	if (a->elem_size < minsize || a->elem_size > PAGE_SIZE ||
	    a->elem_size % 8)
		return -EINVAL;
	if (check_mul_overflow((size_t)a->count, (size_t)a->elem_size, &bytes) ||
	    !access_ok(u64_to_user_ptr(a->ptr), bytes))
		return -EINVAL;
	return 0;
}

int gpt_array_put(const struct gpt_array *a, u64 index, const void *elem,
		  size_t ksize)
{
	void __user *p;
	size_t n = min_t(size_t, a->elem_size, ksize);

	if (!a->ptr || index >= a->count)
		return 0;
	p = u64_to_user_ptr(a->ptr) + index * a->elem_size;
	if (copy_to_user(p, elem, n))
		return -EFAULT;
	if (a->elem_size > ksize && clear_user(p + ksize, a->elem_size - ksize))
		return -EFAULT;
	return 0;
}
