// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_IOC_PIN: pin a user range through one path, sample every page
 * before, while pinned and after the release, or hold the pages.
 */
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/ktime.h>
#include <linux/magic.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/pid.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "gpt.h"
#include "compat.h"

/* Pages sampled per mmap_read_lock() and per copy to the caller. */
#define GPT_CHUNK	64

/* What "after" is compared with: the page's "before". */
struct gpt_keep {
	u64 pfn;
	s64 refcount;
	s32 pincount;
	u32 present;
};

/* One PIN request on its way. */
struct gpt_pin_ctx {
	struct gpt_pin req;
	struct gpt_pin_result res;
	const struct gpt_path_desc *path;
	struct mm_struct *mm;		/* what GUP works on */
	struct page **pages;
	struct gpt_keep *keep;
	struct gpt_charge charge;	/* what is not a hold's yet */
	struct gpt_page_sample chunk[GPT_CHUNK];
	int rec_err;			/* writing records failed */
	bool show_pfn;			/* gpt_may_see_pfn() */
};

unsigned long gpt_pin_max_pages(void)
{
	return min3((unsigned long)gpt_max_pages, GPT_MAX_PAGES_HARD,
		    (unsigned long)INT_MAX);
}

/* Why the request cannot run, or GPT_REASON_NONE. */
static u32 gpt_pin_check(struct gpt_pin_ctx *c)
{
	const struct gpt_pin *req = &c->req;
	unsigned long len, end;
	u32 reason;

	if (req->flags & ~GPT_FLAG_ALL || req->reserved0 ||
	    req->account >= GPT_ACCOUNT_END)
		return GPT_REASON_BAD_ARGUMENT;
	/* Held pages are always charged: the device is no way around it. */
	if (req->account == GPT_ACCOUNT_NONE && (req->flags & GPT_FLAG_HOLD))
		return GPT_REASON_BAD_ARGUMENT;
	if ((req->account == GPT_ACCOUNT_USER_LOCKED_VM ||
	     req->account == GPT_ACCOUNT_USER_LOCKED_VM_PINNED) &&
	    !GPT_HAVE_USER_LOCKED_VM)
		return GPT_REASON_NOT_IN_KERNEL;
	c->path = gpt_path_find(req->path);
	if (!c->path)
		return GPT_REASON_BAD_ARGUMENT;
	if (req->pid && !(c->path->class & GPT_PC_REMOTE))
		return GPT_REASON_BAD_ARGUMENT;
	if (!req->nr_pages || offset_in_page(req->addr))
		return GPT_REASON_BAD_ARGUMENT;
	/* GUP-fast takes an int count: gpt_pin_max_pages() stays below it. */
	if (req->nr_pages > gpt_pin_max_pages())
		return GPT_REASON_TOO_BIG;
	if (check_mul_overflow((unsigned long)req->nr_pages, PAGE_SIZE, &len) ||
	    check_add_overflow((unsigned long)req->addr, len, &end))
		return GPT_REASON_BAD_ARGUMENT;
	/* Records: three samples of sample_size bytes each, or none. */
	if (gpt_array_check(&req->records, GPT_PAGE_RECORD_SIZE_VER3) ||
	    (req->records.ptr ? req->sample_size < GPT_PAGE_SAMPLE_SIZE_VER3 ||
	     req->sample_size % 8 ||
	     req->records.elem_size / 3 < req->sample_size : req->sample_size))
		return GPT_REASON_BAD_ARGUMENT;
	reason = gpt_path_unavailable(c->path);
	if (reason)
		return reason;
	return gpt_path_refusal(c->path, req->flags);
}

/*
 * Writing records into the pages measured would change them: the records'
 * pages may not meet the range, in the caller's own mm.
 */
static bool gpt_records_overlap(const struct gpt_pin_ctx *c)
{
	const struct gpt_array *a = &c->req.records;
	u64 start = round_down(a->ptr, PAGE_SIZE);
	u64 end = round_up(a->ptr + (u64)a->count * a->elem_size, PAGE_SIZE);

	return c->mm == current->mm && a->ptr && start <
	       c->req.addr + c->req.nr_pages * PAGE_SIZE && end > c->req.addr;
}

/*
 * The mm to pin in, with a reference: the caller's, or that of @pid if the
 * caller may ptrace it now (access.c).
 */
static int gpt_get_mm(s32 pid, struct mm_struct **mmp, u32 *reason)
{
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *p;

	if (!pid) {
		mmget(current->mm);
		*mmp = current->mm;
		return 0;
	}
	p = find_get_pid(pid);
	task = get_pid_task(p, PIDTYPE_PID);
	put_pid(p);
	mm = task ? get_task_mm(task) : NULL;
	if (task)
		put_task_struct(task);
	*reason = GPT_REASON_NO_PROCESS;
	if (!mm)
		return -ESRCH;
	if (!gpt_may_access_mm(mm)) {
		mmput(mm);
		*reason = GPT_REASON_PTRACE;
		return -EPERM;
	}
	*mmp = mm;
	return 0;
}

/* Is this file mapping one GUP refuses long-term writes to (6.5+)? */
static bool gpt_needs_dirty_tracking(struct vm_area_struct *vma)
{
	unsigned long magic;

	if (!GPT_HAVE_FILE_LONGTERM_REFUSED || !vma->vm_file ||
	    !(vma->vm_flags & VM_SHARED))
		return false;
	magic = file_inode(vma->vm_file)->i_sb->s_magic;
	return magic != TMPFS_MAGIC && magic != HUGETLBFS_MAGIC;
}

/*
 * Name the cause of GUP's @err for the page at @addr from its VMA, in
 * the order check_vma_flags() tests: a best guess, made afterwards.
 */
static u32 gpt_attribute(struct mm_struct *mm, unsigned long addr, u64 flags,
			 int err)
{
	struct vm_area_struct *vma;
	u32 reason = GPT_REASON_UNATTRIBUTED;
	bool write = flags & GPT_FLAG_WRITE;

	if (mmap_read_lock_killable(mm))
		return reason;
	vma = vma_lookup(mm, addr);
	if (!vma)
		reason = GPT_REASON_NO_VMA;
	else if (err == EOPNOTSUPP && (flags & GPT_FLAG_LONGTERM) &&
		 vma_is_fsdax(vma))
		reason = GPT_REASON_FSDAX_LONGTERM;
	else if (err != EFAULT)
		reason = GPT_REASON_UNATTRIBUTED;
	else if (vma->vm_flags & (VM_IO | VM_PFNMAP))
		reason = GPT_REASON_VM_IO_PFNMAP;
	else if ((flags & GPT_FLAG_ANON) && !vma_is_anonymous(vma))
		reason = GPT_REASON_ANON_ONLY;
	/* secretmem files are known by their filesystem: no export needed */
	else if (vma->vm_file &&
		 file_inode(vma->vm_file)->i_sb->s_magic == SECRETMEM_MAGIC)
		reason = GPT_REASON_SECRETMEM;
	else if (write && (flags & GPT_FLAG_LONGTERM) &&
		 gpt_needs_dirty_tracking(vma))
		reason = GPT_REASON_FILE_LONGTERM;
	else if (write && !(vma->vm_flags & VM_WRITE) &&
		 !(flags & GPT_FLAG_FORCE))
		reason = GPT_REASON_NOT_WRITABLE;
	else if (!(vma->vm_flags & VM_READ) && !(flags & GPT_FLAG_FORCE))
		reason = GPT_REASON_NOT_READABLE;
	else if (flags & GPT_FLAG_NOFAULT)
		reason = GPT_REASON_NOFAULT;
	mmap_read_unlock(mm);
	return reason;
}

/*
 * Clear the records of every page before anything is pinned: a window the
 * caller cannot write fails the request (EFAULT) with nothing done.
 */
static int gpt_records_clear(struct gpt_pin_ctx *c)
{
	const struct gpt_array *a = &c->req.records;
	u64 n = min_t(u64, a->count, c->req.nr_pages);

	if (a->ptr && clear_user(u64_to_user_ptr(a->ptr), n * a->elem_size))
		return -EFAULT;
	c->res.nr_records = a->ptr ? n : 0;
	return 0;
}

/*
 * Write @s as part @part (0 before, 1 pinned, 2 after) of record @i: at
 * @part sample_size bytes in, no more than sample_size bytes (the rest of
 * a bigger sample is left as cleared).
 */
static void gpt_record(struct gpt_pin_ctx *c, u64 i, unsigned int part,
		       const struct gpt_page_sample *s)
{
	const struct gpt_array *a = &c->req.records;
	size_t n = min_t(size_t, c->req.sample_size, sizeof(*s));
	struct gpt_page_sample out = *s;
	void __user *rec;

	if (c->rec_err || i >= c->res.nr_records)
		return;
	if (!c->show_pfn)
		out.pfn = 0;
	rec = u64_to_user_ptr(a->ptr) + i * a->elem_size;
	if (copy_to_user(rec + part * c->req.sample_size, &out, n))
		c->rec_err = -EFAULT;
}

/*
 * "before" (@after false) or "after" of every page, from the page tables;
 * -EINTR if a fatal signal came while waiting for the mmap lock.
 */
static int gpt_sample_mapped(struct gpt_pin_ctx *c, bool after)
{
	u64 i, j, n;

	for (i = 0; i < c->req.nr_pages; i += n) {
		n = min_t(u64, GPT_CHUNK, c->req.nr_pages - i);
		cond_resched();
		if (gpt_sample_range(c->mm, c->req.addr + i * PAGE_SIZE, n,
				     c->chunk))
			return -EINTR;
		for (j = 0; j < n; j++) {
			const struct gpt_page_sample *s = &c->chunk[j];
			struct gpt_keep *k = &c->keep[i + j];

			gpt_record(c, i + j, after ? 2 : 0, s);
			if (!after) {
				*k = (struct gpt_keep) { s->pfn, s->refcount,
					s->pincount, s->flags & GPT_PAGE_PRESENT };
				continue;
			}
			if (k->present == !!(s->flags & GPT_PAGE_PRESENT) &&
			    k->pfn == s->pfn && k->refcount == s->refcount &&
			    k->pincount == s->pincount)
				c->res.unchanged++;
			else if (c->res.first_changed == c->req.nr_pages)
				c->res.first_changed = i + j;
		}
	}
	return 0;
}

/* "pinned": the pages GUP returned, while the pins are held. */
static void gpt_sample_pinned(struct gpt_pin_ctx *c)
{
	struct gpt_page_sample s;
	u64 i;

	for (i = 0; i < c->res.pinned; i++) {
		gpt_sample_page(c->pages[i], &s);
		gpt_record(c, i, 1, &s);
		if (!(i % GPT_CHUNK))
			cond_resched();
	}
}

/* 1 if [@addr, + @nr pages) meets a hugetlb VMA, 0 if not, or -EINTR. */
static int gpt_range_meets_hugetlb(struct mm_struct *mm, u64 addr, u64 nr)
{
	u64 end = addr + nr * PAGE_SIZE;
	struct vm_area_struct *vma;
	int found = 0;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	for (vma = find_vma(mm, addr); vma && vma->vm_start < end && !found;
	     vma = find_vma(mm, vma->vm_end))
		found = is_vm_hugetlb_page(vma);
	mmap_read_unlock(mm);
	return found;
}

/*
 * Whether a long-term pin of [@addr, + @nr pages) through @path could make
 * this kernel WARN (GPT_HAVE_HUGETLB_LONGTERM_WARN): 0, -EINVAL with
 * *@reason GPT_REASON_HUGETLB_LONGTERM, or the errno of looking.  Looked
 * at, where the range meets a hugetlb VMA: every page mapped now.  A
 * hugetlb page that is not long-term pinnable is refused; so is a hugetlb
 * page not mapped yet that GUP would take from the file as it is (shared,
 * or read), where only a private write fault allocates it pinnable
 * (memalloc_pin_save()).  GUP-fast-only never reaches
 * follow_hugetlb_page().  A page another thread maps in between stays
 * possible: the check cannot hold the mmap lock across GUP-fast.
 */
int gpt_hugetlb_longterm_check(struct mm_struct *mm, const struct gpt_path_desc *path,
			       u64 addr, u64 nr, u64 flags, u32 *reason)
{
	struct gpt_page_sample *s;
	struct vm_area_struct *vma;
	u64 i, j, n;
	int ret = 0;

	if (!GPT_HAVE_HUGETLB_LONGTERM_WARN || !(flags & GPT_FLAG_LONGTERM) ||
	    (path->class & GPT_PC_FAST_ONLY))
		return 0;
	/* Page by page only where there is hugetlb memory to look at. */
	ret = gpt_range_meets_hugetlb(mm, addr, nr);
	if (ret <= 0)
		return ret;
	ret = 0;
	s = kmalloc_array(GPT_CHUNK, sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	for (i = 0; i < nr && !ret; i += n) {
		n = min_t(u64, GPT_CHUNK, nr - i);
		ret = gpt_sample_range(mm, addr + i * PAGE_SIZE, n, s);
		for (j = 0; !ret && j < n; j++) {
			if (s[j].kind == GPT_KIND_HUGETLB &&
			    !(s[j].flags & GPT_PAGE_LONGTERM_PINNABLE))
				ret = -EINVAL;
			if (s[j].flags & GPT_PAGE_PRESENT)
				continue;
			if (mmap_read_lock_killable(mm)) {
				ret = -EINTR;
				break;
			}
			/* Shared, or read: GUP maps what the file holds. */
			vma = vma_lookup(mm, addr + (i + j) * PAGE_SIZE);
			if (vma && is_vm_hugetlb_page(vma) &&
			    ((vma->vm_flags & VM_MAYSHARE) || !(flags & GPT_FLAG_WRITE)))
				ret = -EINVAL;
			mmap_read_unlock(mm);
		}
	}
	kfree(s);
	if (ret == -EINVAL)
		*reason = GPT_REASON_HUGETLB_LONGTERM;
	return ret;
}

/*
 * Pin, as drivers do: ask again from where a call stopped, until all is
 * pinned, GUP returns an errno (kept with the page it struck) or a call
 * makes no progress.
 */
static void gpt_pin_loop(struct gpt_pin_ctx *c)
{
	struct gpt_pin_result *res = &c->res;
	unsigned long per_call = c->req.nr_pages;
	unsigned long done = 0;
	u64 t0 = ktime_get_ns();

	if (c->req.pages_per_call && c->req.pages_per_call < per_call)
		per_call = c->req.pages_per_call;
	while (done < c->req.nr_pages) {
		unsigned long start = c->req.addr + done * PAGE_SIZE;
		unsigned long n = min_t(unsigned long, per_call,
					c->req.nr_pages - done);
		long got = gpt_path_grab(c->path, c->mm, start, n,
					 c->req.flags, c->pages + done);

		res->calls++;
		if (got <= 0) {
			res->error = -got;
			res->error_index = done;
			break;
		}
		done += got;
	}
	res->pin_ns = ktime_get_ns() - t0;
	res->pinned = done;
	if (res->error) {
		res->reason = gpt_attribute(c->mm, c->req.addr +
					    done * PAGE_SIZE, c->req.flags,
					    res->error);
		res->reason_how = GPT_HOW_INFERRED;
	} else if (done < c->req.nr_pages) {
		res->reason = GPT_REASON_SHORT;
		res->reason_how = GPT_HOW_MODULE;
	}
}

/* What the request is charged as: DEFAULT is PINNED_VM for a hold. */
static u32 gpt_pin_account(const struct gpt_pin *req)
{
	if (req->account != GPT_ACCOUNT_DEFAULT)
		return req->account;
	return req->flags & GPT_FLAG_HOLD ? GPT_ACCOUNT_PINNED_VM :
	       GPT_ACCOUNT_NONE;
}

/* Keep the pinned pages under a new handle in @gf. */
static int gpt_pin_keep(struct gpt_file *gf, struct gpt_pin_ctx *c)
{
	struct gpt_hold *hold = kzalloc(sizeof(*hold), GFP_KERNEL_ACCOUNT);
	u64 handle;

	if (!hold)
		return -ENOMEM;
	*hold = (struct gpt_hold) {
		.path = c->path,
		.flags = c->req.flags,
		.addr = c->req.addr,
		.pid = c->req.pid,
		.nr = c->res.pinned,
		.pages = c->pages,
		.mm = c->mm,
		.pinned_ns = ktime_get_ns(),
	};
	/* The charge of the pages not pinned goes back; the rest is held. */
	if (c->charge.nr > c->res.pinned)
		gpt_charge_give(&c->charge, c->charge.nr - c->res.pinned);
	hold->charge = c->charge;
	mmgrab(hold->mm);
	handle = gpt_hold_add(gf, hold);
	if (!handle) {
		mmdrop(hold->mm);
		kfree(hold);
		return -ENOMEM;
	}
	/* Published: another thread may release it already. */
	c->res.handle = handle;
	c->res.memlock_charged = c->charge.nr;
	c->charge = (struct gpt_charge) {};
	c->pages = NULL;	/* the hold owns them now */
	return 0;
}

/* Measure, then release or hold; returns 0 or the ioctl's errno. */
static int gpt_pin_run(struct gpt_file *gf, struct gpt_pin_ctx *c)
{
	struct gpt_pin_result *res = &c->res;
	bool hold = c->req.flags & GPT_FLAG_HOLD;
	struct gpt_vmstat v0, v1, v2;
	int ret = 0;
	u64 t0;

	res->error_index = c->req.nr_pages;
	res->first_changed = c->req.nr_pages;
	c->show_pfn = gpt_may_see_pfn();
	ret = gpt_records_clear(c);
	if (!ret)
		ret = gpt_sample_mapped(c, false);
	if (ret)
		return ret;
	gpt_vmstat_read(&v0);
	gpt_pin_loop(c);
	gpt_vmstat_read(&v1);
	gpt_vmstat_delta(&v0, &v1, &res->sys_vmstat_pinned);
	gpt_sample_pinned(c);
	if (hold && res->pinned && !c->rec_err) {
		ret = gpt_pin_keep(gf, c);
		if (!ret) {
			res->sys_vmstat_after = res->sys_vmstat_pinned;
			/* Nothing is sampled after: there is no "after" yet. */
			res->first_changed = 0;
			return 0;
		}
	}
	t0 = ktime_get_ns();
	c->path->release(c->pages, res->pinned, false);
	res->release_ns = ktime_get_ns() - t0;
	res->released = res->pinned;
	gpt_vmstat_read(&v2);
	gpt_vmstat_delta(&v0, &v2, &res->sys_vmstat_after);
	if (!ret)
		ret = gpt_sample_mapped(c, true);
	return ret ? ret : c->rec_err;
}

long gpt_ioctl_pin(struct gpt_file *gf, void __user *uarg)
{
	struct gpt_pin_ctx *c;
	struct gpt_hold *hold;
	unsigned long nr;
	u32 reason;
	int ret;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	ret = gpt_req_begin(&c->req, sizeof(c->req), GPT_PIN_SIZE_VER3,
			    GPT_PIN_RESULT_SIZE_VER3, uarg);
	if (ret)
		goto out;
	reason = gpt_pin_check(c);
	if (reason) {
		ret = gpt_req_fail(&c->req.head, reason, -EINVAL);
		goto out;
	}
	ret = gpt_get_mm(c->req.pid, &c->mm, &reason);
	if (ret) {
		ret = gpt_req_fail(&c->req.head, reason, ret);
		goto out;
	}
	if (gpt_records_overlap(c)) {
		ret = gpt_req_fail(&c->req.head, GPT_REASON_RECORDS_OVERLAP, -EINVAL);
		goto put_mm;
	}
	reason = GPT_REASON_NONE;
	ret = gpt_hugetlb_longterm_check(c->mm, c->path, c->req.addr,
					 c->req.nr_pages, c->req.flags, &reason);
	if (ret) {
		ret = gpt_req_fail(&c->req.head, reason, ret);
		goto put_mm;
	}
	nr = c->req.nr_pages;
	if ((c->req.flags & GPT_FLAG_HOLD) && gpt_hold_reserve(gf, nr)) {
		ret = gpt_req_fail(&c->req.head, GPT_REASON_HOLD_LIMIT, -ENOSPC);
		goto put_mm;
	}
	ret = gpt_charge_take(&c->charge, gpt_pin_account(&c->req), nr);
	if (ret) {
		if (ret == -ENOMEM)
			ret = gpt_req_fail(&c->req.head, GPT_REASON_MEMLOCK, ret);
		goto unreserve;
	}
	c->pages = kvmalloc_array(nr, sizeof(*c->pages), GFP_KERNEL_ACCOUNT);
	c->keep = kvmalloc_array(nr, sizeof(*c->keep), GFP_KERNEL_ACCOUNT);
	ret = -ENOMEM;
	if (c->pages && c->keep)
		ret = gpt_pin_run(gf, c);
	if (c->res.handle) {
		/* Only what was pinned stays reserved and charged. */
		nr -= c->res.pinned;
		if (!ret)
			ret = gpt_req_done(&c->req.head, &c->res,
					   sizeof(c->res));
		if (ret) {
			/* Nobody could learn the handle: no orphan hold. */
			hold = gpt_hold_take(gf, c->res.handle);
			if (hold)
				gpt_hold_release(hold, hold->written);
		}
	} else if (!ret) {
		ret = gpt_req_done(&c->req.head, &c->res, sizeof(c->res));
	}
	gpt_charge_give(&c->charge, c->charge.nr);
unreserve:
	if (c->req.flags & GPT_FLAG_HOLD)
		gpt_hold_unreserve(gf, nr);
put_mm:
	mmput(c->mm);
out:
	kvfree(c->pages);
	kvfree(c->keep);
	kfree(c);
	return ret;
}
