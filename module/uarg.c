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
static int gpt_copy_req(void *dst, size_t ksize, size_t minsize,
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

/*
 * Write @ksize bytes of @res (which starts with its u32 size, set here to
 * the bytes written) into the caller's @usize bytes at @uptr, zeroing the
 * rest of them.
 */
static int gpt_result_put(u64 uptr, u32 usize, void *res, size_t ksize)
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
 * Copy in a request of @ksize bytes (at least @minsize) that begins with
 * struct gpt_head, whose result needs @res_minsize bytes of room.
 * Returns 0 to go on, or what the ioctl returns: room for the result that
 * is missing or too small is EINVAL and says nothing; a bad size is said
 * in the result (bad-size).
 */
int gpt_req_begin(void *req, size_t ksize, size_t minsize,
		  size_t res_minsize, const void __user *uarg)
{
	const struct gpt_head *h = req;
	int ret = gpt_copy_req(req, ksize, minsize, uarg);

	if (ret && ret != -E2BIG)
		return ret;
	if (!h->result || h->result_size < res_minsize ||
	    h->result_size > PAGE_SIZE)
		return -EINVAL;
	if (ret)
		return gpt_req_fail(h, GPT_REASON_BAD_SIZE, ret);
	return 0;
}

/*
 * Fail with @err, saying @reason in the result: only its head (size 8,
 * reason) is written, the rest of the caller's room zeroed.
 */
int gpt_req_fail(const struct gpt_head *h, u32 reason, int err)
{
	u32 head[2] = { 0, reason };

	if (gpt_result_put(h->result, h->result_size, head, sizeof(head)))
		return -EFAULT;
	return err;
}

/* Succeed: the whole result. */
int gpt_req_done(const struct gpt_head *h, void *res, size_t res_ksize)
{
	return gpt_result_put(h->result, h->result_size, res, res_ksize);
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
