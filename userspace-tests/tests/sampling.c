// SPDX-License-Identifier: GPL-2.0
/*
 * Sampling never touches the page.  A write pin through
 * get_user_pages_fast_only() of read-only memory pins nothing (GUP-fast
 * takes no read-only PTE for a write, and has no slow path), so the
 * request only samples: every page before and after, 200 times.  The
 * kernel's own view (/proc/kpageflags, /proc/kpagecount) must not move,
 * and neither may the module's: small pages, a PMD-mapped THP and hugetlb.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <linux/kernel-page-flags.h>
#include "expect.h"

#define NPAGES		16
#define ROUNDS		200
/* What sampling could change: reference, activation, dirtiness. */
#define WATCHED		((1ULL << KPF_REFERENCED) | (1ULL << KPF_ACTIVE) | \
			 (1ULL << KPF_LRU) | (1ULL << KPF_DIRTY) | (1ULL << KPF_IDLE))

static void sample_many(struct suite *s, enum gpt_mem_kind kind)
{
	struct gpt_kpage k0[NPAGES], k1[NPAGES];
	struct gpt_page_record rec[NPAGES], first[NPAGES];
	struct gpt_pin_result res;
	struct gpt_mem mem;
	struct tap_point t;
	int err, moved = 0, differ = 0, pinned = 0;

	tap_begin(&t);
	err = gpt_kind_map(kind, &s->dirs, NPAGES, &mem);
	if (kind_missing(kind)) {
		/* No such memory here: the kernel must say so, and that's all. */
		tap_check_eq(&t, "mapping: errno", kind_missing(kind), -err);
		tap_end(&t, "sampling: no %s memory in this kernel (%s)",
			gpt_kind_name(kind), gpt_errno_name(kind_missing(kind)));
		if (!err)
			gpt_mem_unmap(&mem);
		return;
	}
	if (!tap_check(&t, !err, "mapping: %s", gpt_errno_name(-err)))
		goto out;
	/* All of a huge page, or the PMD would be split. */
	tap_check(&t, !mprotect(mem.addr, kind_shape(kind) == LARGE ? 2UL << 20 :
				mem.len, PROT_READ), "mprotect: %s", strerror(errno));
	err = gpt_kpages_read(0, (uintptr_t)mem.addr, NPAGES, k0);
	tap_check(&t, !err, "pagemap: %s", gpt_errno_name(-err));
	for (int round = 0; round < ROUNDS; round++) {
		struct gpt_pin req = { .addr = (uintptr_t)mem.addr, .nr_pages = NPAGES,
				       .path = GPT_PATH_GUP_FAST_ONLY,
				       .flags = GPT_FLAG_WRITE };

		if (gpt_pin(s->fd, &req, &res, rec, NPAGES) || res.pinned) {
			pinned++;
			continue;
		}
		if (!round)
			memcpy(first, rec, sizeof(first));
		for (int i = 0; i < NPAGES; i++) {
			const struct gpt_page_sample *a = &first[i].before;
			const struct gpt_page_sample *b = memcmp(&rec[i].before, a, sizeof(*a)) ?
				&rec[i].before : &rec[i].after;

			if (!memcmp(b, a, sizeof(*a)))
				continue;
			if (!differ++)
				tap_diag("round %d page %d %s: pfn %#llx -> %#llx, refcount %lld -> %lld, "
					 "mapcount %d -> %d, flags %#x -> %#x, order %u -> %u", round, i,
					 b == &rec[i].before ? "before" : "after",
					 (unsigned long long)a->pfn, (unsigned long long)b->pfn,
					 (long long)a->refcount, (long long)b->refcount,
					 a->mapcount, b->mapcount, a->flags, b->flags,
					 a->order, b->order);
		}
	}
	err = gpt_kpages_read(0, (uintptr_t)mem.addr, NPAGES, k1);
	for (int i = 0; !err && i < NPAGES; i++)
		if (k0[i].pfn != k1[i].pfn || k0[i].mapcount != k1[i].mapcount ||
		    (k0[i].kflags & WATCHED) != (k1[i].kflags & WATCHED)) {
			if (!moved++)
				tap_diag("page %d: pfn %#llx -> %#llx, kpagecount %llu -> %llu, "
					 "kpageflags %#llx -> %#llx", i,
					 (unsigned long long)k0[i].pfn, (unsigned long long)k1[i].pfn,
					 (unsigned long long)k0[i].mapcount,
					 (unsigned long long)k1[i].mapcount,
					 (unsigned long long)k0[i].kflags,
					 (unsigned long long)k1[i].kflags);
		}
	tap_check_eq(&t, "requests that pinned something", 0, pinned);
	tap_check(&t, first[0].before.flags & GPT_PAGE_PRESENT, "page 0 not sampled");
	tap_check_eq(&t, "samples unlike the first (refcount, flags, pfn...)", 0, differ);
	tap_check_eq(&t, "pages whose kpageflags or kpagecount moved", 0, moved);
	gpt_mem_unmap(&mem);
out:
	tap_end(&t, "sampling: %d requests sampling every %s page before and after change nothing, as /proc/kpageflags and /proc/kpagecount see it",
		ROUNDS, gpt_kind_name(kind));
}

/* kcompactd asleep (gpt_quiet()): a THP it moved would not be the sampler's doing. */
void test_sampling(struct suite *s)
{
	sample_many(s, GPT_MEM_ANON);
	sample_many(s, GPT_MEM_EXT4_PRIVATE);
	sample_many(s, GPT_MEM_ANON_THP);
	sample_many(s, GPT_MEM_MEMFD_HUGETLB);
}
