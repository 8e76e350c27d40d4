// SPDX-License-Identifier: GPL-2.0
/*
 * Driver profiles (gupctl profiles, pin --as): every profile, as it is on
 * the running kernel, over every kind of memory, the device writing and,
 * where the profile asks differently, only reading.  Each cell's answer
 * (what the driver returns to userspace) is asserted against the rules
 * below, written from the kernel code that decides it, never from the
 * profile table: the first rule that holds for this kernel and matches
 * the cell wins.  Then RLIMIT_MEMLOCK as each driver charges it, as
 * uid 65534, and the VMA bits the samples carry.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include "drivers.h"
#include "expect.h"

#define NPAGES	16

enum drv { RDMA, VFIO, IO_URING, ODIRECT, V4L2, XDP, VDPA, NVIDIA, KVM, PROCESS_VM, NR_DRV };

static const char *const drv_name[NR_DRV] = {
	"rdma", "vfio", "io_uring", "odirect", "v4l2", "xdp", "vdpa", "nvidia", "kvm",
	"process_vm",
};

#define D(x)		(1U << (x))
#define K(x)		(1U << GPT_MEM_##x)
#define ANY		0
#define W		1	/* the device writes */
#define R		2	/* the device only reads */
#define OK		0
#define NO_PIN		-1	/* the driver maps the pfns unpinned */
#define FSDAX		(K(FSDAX_PRIVATE) | K(FSDAX_SHARED) | K(FSDAX_COW))
/* Long-term pins */
#define LONGTERM	(D(RDMA) | D(VFIO) | D(IO_URING) | D(XDP) | D(VDPA) | D(NVIDIA))

struct drv_rule {
	uint32_t drivers;	/* D() mask; ANY */
	uint32_t kinds;		/* K() mask; ANY */
	unsigned int dir;	/* W, R; ANY */
	struct krange k;
	int answer;		/* OK, NO_PIN, or the errno */
	const char *why;
};

static const struct drv_rule rules[] = {
	/* vhost_chr_write_iter(): whatever went wrong, write() gets EFAULT. */
	{ D(VDPA), K(UNMAPPED) | K(SECRET) | K(PFNMAP) | K(PARTIAL) | K(PROT_NONE) | FSDAX,
	  ANY, ALL_KERNELS, EFAULT, "vhost_chr_write_iter() returns EFAULT for any error" },
	{ D(VDPA), K(READ_ONLY), W, ALL_KERNELS, EFAULT,
	  "vhost_chr_write_iter(): EFAULT (GUP: write to a read-only VMA)" },
	{ D(VDPA), K(EXT4_SHARED), W, SINCE(6, 5), EFAULT,
	  "vhost_chr_write_iter(): EFAULT (GUP: writable_file_mapping_allowed(), 6.5)" },

	{ ANY, K(UNMAPPED), ANY, ALL_KERNELS, EFAULT, "no VMA: GUP's EFAULT" },
	{ ANY, K(SECRET), ANY, ALL_KERNELS, EFAULT, "check_vma_flags(): vma_is_secretmem()" },
	{ D(VFIO) | D(KVM) | D(NVIDIA), K(PFNMAP), ANY, ALL_KERNELS, NO_PIN,
	  "follow_fault_pfn(), hva_to_pfn_remapped(), os_lookup_user_io_memory(): "
	  "the reserved pfns of /dev/mem, unpinned" },
	{ ANY, K(PFNMAP), ANY, ALL_KERNELS, EFAULT, "check_vma_flags(): VM_IO|VM_PFNMAP" },
	{ D(XDP), K(PARTIAL), ANY, ALL_KERNELS, ENOMEM,
	  "xdp_umem_pin_pages(): fewer pages than the umem is ENOMEM" },
	{ ANY, K(PARTIAL), ANY, ALL_KERNELS, EFAULT,
	  "the hole: GUP's EFAULT, or a short single call the driver makes EFAULT" },

	/* FOLL_FORCE|FOLL_WRITE on a COW mapping: allowed, even PROT_NONE. */
	{ D(RDMA), K(PROT_NONE) | K(READ_ONLY), R, BEFORE(6, 2), OK,
	  "check_vma_flags(): FOLL_FORCE on a COW mapping (read-only MR, until b40656aa7d55)" },
	{ D(V4L2), K(PROT_NONE) | K(READ_ONLY), ANY, BEFORE(6, 2), OK,
	  "check_vma_flags(): FOLL_FORCE on a COW mapping (until cb78a634f3f7, 6.2)" },
	{ ANY, K(PROT_NONE), ANY, ALL_KERNELS, EFAULT, "check_vma_flags(): no VM_READ" },
	{ D(IO_URING) | D(XDP), K(READ_ONLY), ANY, ALL_KERNELS, EFAULT,
	  "always FOLL_WRITE: check_vma_flags(), no VM_WRITE" },
	{ ANY, K(READ_ONLY), W, ALL_KERNELS, EFAULT, "check_vma_flags(): no VM_WRITE" },

	/* fsdax: refused long-term where a VMA is looked at. */
	{ D(V4L2), FSDAX, ANY, BEFORE(6, 1), EOPNOTSUPP,
	  "get_vaddr_frames() (5.10): vma_is_fsdax() of the first VMA" },
	{ D(RDMA) | D(V4L2), K(FSDAX_COW), ANY, ALL_KERNELS, OK,
	  "pin_user_pages_fast(): GUP-fast pins the anonymous COW copies, no VMA check" },
	{ D(IO_URING), K(FSDAX_COW), ANY, SINCE(6, 10), OK,
	  "io_pin_pages(), memmap.c: pin_user_pages_fast() pins the anonymous COW copies, "
	  "no VMA check (6.12 read; pin_user_pages() before, not read)" },
	{ LONGTERM | D(V4L2), FSDAX, ANY, ALL_KERNELS, EOPNOTSUPP,
	  "check_vma_flags() (5.11+; check_dax_vmas() before): FOLL_LONGTERM on fsdax" },

	/* io_uring's own VMA check, until GUP decided. */
	{ D(IO_URING), K(EXT4_PRIVATE) | K(EXT4_SHARED) | K(DEV_ZERO), ANY, BEFORE(6, 5),
	  EOPNOTSUPP, "io_pin_pages(): vm_file neither shmem nor hugetlbfs (until 34ed8d0dcd69)" },

	/* Long-term writes to page cache that needs dirty tracking. */
	{ D(IO_URING) | D(XDP), K(EXT4_SHARED), ANY, SINCE(6, 5), EFAULT,
	  "always FOLL_WRITE: writable_file_mapping_allowed() (8ac268436e6d, 6.5)" },
	{ D(RDMA) | D(VFIO) | D(V4L2) | D(NVIDIA), K(EXT4_SHARED), W, SINCE(6, 5), EFAULT,
	  "writable_file_mapping_allowed() (8ac268436e6d, a6e79df92e4a, 6.5)" },

	{ ANY, ANY, ANY, ALL_KERNELS, OK, "nothing refuses it" },
};

#define NR_RULES	(sizeof(rules) / sizeof(rules[0]))

static const struct drv_rule *rule_for(enum drv d, enum gpt_mem_kind kind, unsigned int dir)
{
	for (size_t i = 0; i < NR_RULES; i++) {
		const struct drv_rule *r = &rules[i];

		if (kernel_in(r->k) && (!r->drivers || (r->drivers & D(d))) &&
		    (!r->kinds || (r->kinds & (1U << kind))) && (!r->dir || r->dir == dir))
			return r;
	}
	return &rules[NR_RULES - 1];	/* not reached: the last rule matches all */
}

/*
 * GUP calls for NPAGES pages when all pin: one, but one a page where the
 * driver asks page by page (vaddr_get_pfns() on 5.10, hva_to_pfn_slow()).
 */
static uint64_t calls_for(enum drv d)
{
	if (d == KVM || (d == VFIO && !kernel_since(5, 12)))
		return NPAGES;
	return 1;
}

static const char *answer_name(int answer)
{
	return answer == OK ? "ok" : answer == NO_PIN ? "no-pin" : gpt_errno_name(answer);
}

static void cell(struct suite *s, enum drv d, const struct gpt_driver *p,
		 enum gpt_mem_kind kind, unsigned int dir)
{
	const struct drv_rule *rule = rule_for(d, kind, dir);
	int missing = kind_missing(kind);
	struct gpt_cell_result r;
	struct gpt_pin req = { 0 };
	struct gpt_verdict v;
	struct tap_point t;

	tap_begin(&t);
	gpt_driver_request(p, dir == W, &req);
	gpt_cell_run(s->fd, &s->dirs, kind, NPAGES, &req, true, &r);
	if (missing) {
		tap_check_eq(&t, "setting the memory up", -missing, r.setup_err);
		tap_end(&t, "drivers %s%s %s: none [no such memory here: %s] [rule 0]",
			drv_name[d], dir == R ? "/r" : "", gpt_kind_name(kind),
			gpt_errno_name(missing));
		return;
	}
	tap_check_eq(&t, "setting the memory up", 0, r.setup_err);
	gpt_driver_judge(p, r.ioctl_err, &r.res, r.rec, r.res.nr_records, NPAGES, &v);
	tap_check(&t, !strcmp(gpt_verdict_cell(&v), answer_name(rule->answer)),
		  "the driver answers %s (%s), want %s", gpt_verdict_cell(&v),
		  v.because ? v.because : "", answer_name(rule->answer));
	/* What was pinned went back: the pins balance. */
	if (!r.fold_err)
		tap_check_eq(&t, "pins released - taken (vmstat)", 0,
			     r.folded.released - r.folded.acquired);
	if (rule->answer == OK) {
		tap_check_eq(&t, "pinned", NPAGES, (int64_t)r.res.pinned);
		tap_check_eq(&t, "GUP calls", (int64_t)calls_for(d), (int64_t)r.res.calls);
	}
	if (rule->answer == NO_PIN)
		tap_check_eq(&t, "pinned", 0, (int64_t)r.res.pinned);
	tap_end(&t, "drivers %s%s %s: %s [%s] [rule %zu]", drv_name[d], dir == R ? "/r" : "",
		gpt_kind_name(kind), answer_name(rule->answer), rule->why,
		(size_t)(rule - rules) + 1);
}

/* As uid 65534 with 4 pages of RLIMIT_MEMLOCK: each driver over 16. */
static void memlock_steps(void *arg, void *out)
{
	const struct rlimit lim = { 4 * 4096, 4 * 4096 };
	int *answers = out, fd = *(int *)arg;
	uint32_t kv = gpt_kernel_kv();

	if (setrlimit(RLIMIT_MEMLOCK, &lim))
		return;
	for (int d = 0; d < NR_DRV; d++) {
		const struct gpt_driver *p = gpt_driver_for(drv_name[d], kv);
		static struct gpt_cell_result r;
		struct gpt_pin req = { 0 };
		struct gpt_verdict v;
		struct gpt_dirs none = { 0 };

		if (!p)
			continue;
		gpt_driver_request(p, true, &req);
		gpt_cell_run(fd, &none, GPT_MEM_ANON, NPAGES, &req, false, &r);
		gpt_driver_judge(p, r.ioctl_err, &r.res, r.rec, r.res.nr_records, NPAGES, &v);
		answers[d] = v.kind == GPT_VERDICT_OK ? 0 : v.kind == GPT_VERDICT_FAILS ? v.err : -1;
	}
}

static void memlock_answers(void)
{
	static const struct { int err; const char *why; } want[NR_DRV] = {
		[RDMA] = { ENOMEM, "ib_umem_get(): pinned_vm over the limit" },
		[VFIO] = { ENOMEM, "vfio_pin_pages_remote(): locked_vm + 1 > limit" },
		[IO_URING] = { ENOMEM, "__io_account_mem(): the user's locked_vm" },
		[XDP] = { ENOBUFS, "xdp_umem_account_pages(): the user's locked_vm" },
		[VDPA] = { EFAULT, "vhost_vdpa_pa_map()'s ENOMEM, as write() returns it" },
		[ODIRECT] = { 0, "not charged" }, [V4L2] = { 0, "not charged" },
		[NVIDIA] = { 0, "not charged" }, [KVM] = { 0, "not charged" },
		[PROCESS_VM] = { 0, "not charged" },
	};
	int fd = gpt_open(), answers[NR_DRV];
	int err = run_as_nobody(memlock_steps, &fd, (int[2]){ fd, -1 }, answers,
				sizeof(answers));

	for (int d = 0; d < NR_DRV; d++) {
		struct tap_point t;

		tap_begin(&t);
		tap_check(&t, !err, "the unprivileged child failed");
		tap_check(&t, answers[d] == want[d].err, "the driver answers %s, want %s",
			  answers[d] < 0 ? "?" : answers[d] ? gpt_errno_name(answers[d]) : "ok",
			  want[d].err ? gpt_errno_name(want[d].err) : "ok");
		tap_end(&t, "drivers %s: uid 65534, RLIMIT_MEMLOCK 4 pages, 16 pinned: %s (%s)",
			drv_name[d], want[d].err ? gpt_errno_name(want[d].err) : "ok", want[d].why);
	}
}

/* The VMA bits a page-table sample carries, per kind. */
static void vma_bits(struct suite *s)
{
#define V(x)	GPT_VMA_##x
	static const struct { enum gpt_mem_kind kind; uint32_t bits; } want[] = {
		{ GPT_MEM_ANON, V(KNOWN) | V(ANON) | V(WRITE) },
		{ GPT_MEM_SHARED_ANON, V(KNOWN) | V(FILE) | V(SHMEM) | V(SHARED) | V(WRITE) },
		{ GPT_MEM_MEMFD, V(KNOWN) | V(FILE) | V(SHMEM) | V(SHARED) | V(WRITE) },
		{ GPT_MEM_MEMFD_HUGETLB, V(KNOWN) | V(FILE) | V(HUGETLB) | V(SHARED) | V(WRITE) },
		{ GPT_MEM_TMPFS, V(KNOWN) | V(FILE) | V(SHMEM) | V(SHARED) | V(WRITE) },
		{ GPT_MEM_EXT4_PRIVATE, V(KNOWN) | V(FILE) | V(WRITE) },
		{ GPT_MEM_EXT4_SHARED, V(KNOWN) | V(FILE) | V(SHARED) | V(WRITE) },
		{ GPT_MEM_FSDAX_SHARED, V(KNOWN) | V(FILE) | V(SHARED) | V(WRITE) | V(FSDAX) },
		{ GPT_MEM_READ_ONLY, V(KNOWN) | V(FILE) },
		{ GPT_MEM_DEV_ZERO, V(KNOWN) | V(ANON) | V(FILE) | V(WRITE) },
		{ GPT_MEM_PFNMAP, V(KNOWN) | V(FILE) | V(SHARED) | V(WRITE) | V(IO) | V(PFNMAP) },
		{ GPT_MEM_UNMAPPED, 0 },
	};
#undef V
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct gpt_pin req = { .path = GPT_PATH_GUP_FAST_ONLY };
		struct gpt_cell_result r;
		struct tap_point t;

		tap_begin(&t);
		gpt_cell_run(s->fd, &s->dirs, want[i].kind, 2, &req, false, &r);
		if (tap_check(&t, !r.setup_err && !r.ioctl_err, "setup %s, PIN %s",
			      gpt_errno_name(-r.setup_err), gpt_errno_name(-r.ioctl_err)))
			for (int pg = 0; pg < 2; pg++)
				tap_check(&t, r.rec[pg].before.vma == want[i].bits,
					  "page %d: vma %#x, want %#x", pg, r.rec[pg].before.vma,
					  want[i].bits);
		tap_end(&t, "sample vma bits of %s: %#x", gpt_kind_name(want[i].kind),
			want[i].bits);
	}
}

/*
 * SysV shm: a shmem inode behind shm_file_operations and shm_vm_ops, which
 * vma_is_shmem() does not count (io_uring to 6.4 refuses it): no SHMEM.
 */
static void vma_bits_sysv(struct suite *s)
{
	uint32_t want = GPT_VMA_KNOWN | GPT_VMA_FILE | GPT_VMA_SHARED | GPT_VMA_WRITE;
	int id = shmget(IPC_PRIVATE, 2 * 4096, IPC_CREAT | 0600);
	char *p = id < 0 ? (char *)-1 : shmat(id, NULL, 0);
	struct gpt_page_record rec[2];
	struct gpt_pin_result res;
	struct tap_point t;

	tap_begin(&t);
	if (tap_check(&t, p != (char *)-1, "shmget/shmat: %s", strerror(errno))) {
		struct gpt_pin req = { .addr = (uintptr_t)p, .nr_pages = 2,
				       .path = GPT_PATH_GUP_FAST_ONLY };

		p[0] = p[4096] = 1;
		tap_check_eq(&t, "PIN", 0, gpt_pin(s->fd, &req, &res, rec, 2));
		for (int pg = 0; pg < 2; pg++)
			tap_check(&t, rec[pg].before.vma == want, "page %d: vma %#x, want %#x",
				  pg, rec[pg].before.vma, want);
		shmdt(p);
	}
	if (id >= 0)
		shmctl(id, IPC_RMID, NULL);
	tap_end(&t, "sample vma bits of SysV shm: %#x, not shmem (shm_vm_ops)", want);
}

void test_drivers(struct suite *s)
{
	uint32_t kv = gpt_kernel_kv();
	char range[32];

	tap_diag("driver rules on %s, first match wins:", kernel.name);
	for (size_t i = 0; i < NR_RULES; i++)
		tap_diag("  driver rule %zu%s: %s: %s [%s]", i + 1,
			 kernel_in(rules[i].k) ? "" : " (not this kernel)",
			 answer_name(rules[i].answer), rules[i].why,
			 krange_name(rules[i].k, range, sizeof(range)));
	vma_bits(s);
	vma_bits_sysv(s);
	for (int d = 0; d < NR_DRV; d++) {
		const struct gpt_driver *p = gpt_driver_for(drv_name[d], kv);
		struct tap_point t;

		tap_begin(&t);
		tap_check(&t, p != NULL, "no %s profile for this kernel", drv_name[d]);
		tap_end(&t, "drivers %s: a profile for %s", drv_name[d], kernel.name);
		if (!p)
			continue;
		for (int kind = 0; kind < GPT_MEM_END; kind++) {
			cell(s, d, p, kind, W);
			if (p->flags_read != p->flags_write)
				cell(s, d, p, kind, R);
		}
	}
	memlock_answers();
}
