// SPDX-License-Identifier: GPL-2.0
/*
 * libgpt: the driver profiles, one row per caller and range of kernels,
 * as read in Debian's 5.10, 6.1, 6.12 and 7.2 sources (and NVIDIA's open
 * GPU modules); a range's far end is the upstream release of the commit
 * in the next row's change.  The errnos are what the caller returns to
 * userspace; docs/profiles.md cites each line of code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include "drivers.h"

#define W	GPT_FLAG_WRITE
#define LT	GPT_FLAG_LONGTERM
#define FORCE	GPT_FLAG_FORCE
#define ALL	0, 0

static const struct gpt_driver rows[] = {
	{ "rdma", 0, GPT_KV(6, 2), "ib_umem_get(), drivers/infiniband/core/umem.c",
	  "ibv_reg_mr() (IB_USER_VERBS_CMD_REG_MR)",
	  GPT_PATH_PIN_FAST, W | LT, 0, FORCE, 512, GPT_ACCOUNT_PINNED_VM, 0,
	  ENOMEM, 0, 0, NULL, NULL,
	  "always FOLL_WRITE; a read-only MR adds FOLL_FORCE to break COW; RLIMIT_MEMLOCK 0 "
	  "without CAP_IPC_LOCK is EPERM (can_do_mlock())" },
	{ "rdma", GPT_KV(6, 2), 0, "ib_umem_get(), drivers/infiniband/core/umem.c "
	  "(7.x: __ib_umem_get_va())",
	  "ibv_reg_mr() (IB_USER_VERBS_CMD_REG_MR)",
	  GPT_PATH_PIN_FAST, LT, W, 0, 512, GPT_ACCOUNT_PINNED_VM, 0,
	  ENOMEM, 0, 0, NULL,
	  "b40656aa7d55 \"RDMA/umem: remove FOLL_FORCE usage\" (6.2): FOLL_WRITE only for a "
	  "writable MR",
	  "RLIMIT_MEMLOCK 0 without CAP_IPC_LOCK is EPERM (can_do_mlock()); 7.x refuses "
	  "devices that need DMA bounce buffers (EOPNOTSUPP)" },

	{ "vfio", 0, GPT_KV(5, 12), "vaddr_get_pfns(), drivers/vfio/vfio_iommu_type1.c",
	  "ioctl(VFIO_IOMMU_MAP_DMA) on a type1 container",
	  GPT_PATH_PIN_REMOTE, LT, W, 0, 1, GPT_ACCOUNT_LOCKED_VM,
	  GPT_PC_PFNMAP_FALLBACK | GPT_PC_PFNMAP_ONLY, ENOMEM, 0, 0, NULL, NULL,
	  "one page a call (5.10 has struct vfio_batch, not its use); VM_PFNMAP ranges of "
	  "reserved pfns map through follow_fault_pfn(), unpinned; CAP_IPC_LOCK is sampled "
	  "at MAP_DMA" },
	{ "vfio", GPT_KV(5, 12), 0, "vaddr_get_pfns(), drivers/vfio/vfio_iommu_type1.c",
	  "ioctl(VFIO_IOMMU_MAP_DMA) on a type1 container",
	  GPT_PATH_PIN_REMOTE, LT, W, 0, 512, GPT_ACCOUNT_LOCKED_VM,
	  GPT_PC_PFNMAP_FALLBACK | GPT_PC_PFNMAP_ONLY, ENOMEM, 0, 0, NULL,
	  "4d83de6da265 \"vfio/type1: Batch page pinning\" (5.12)",
	  "VM_PFNMAP ranges of reserved pfns map through follow_fault_pfn() (6.12+: "
	  "follow_pfnmap_start()), unpinned; CAP_IPC_LOCK is sampled at MAP_DMA" },

	{ "io_uring", 0, GPT_KV(6, 5), "io_sqe_buffer_register() -> io_pin_pages(), "
	  "io_uring/rsrc.c", "io_uring_register(IORING_REGISTER_BUFFERS)",
	  GPT_PATH_PIN, W | LT, 0, 0, 0, GPT_ACCOUNT_USER_LOCKED_VM_PINNED,
	  GPT_PC_SINGLE_CALL | GPT_PC_IOURING_FILE | GPT_PC_ONE_FILE, ENOMEM, EFAULT, 0,
	  NULL, NULL,
	  "always FOLL_WRITE; its own VMA check refuses pages of two files (EINVAL), then "
	  "file-backed memory but shmem and hugetlbfs (EOPNOTSUPP); Debian's 5.10 carries "
	  "5.15's io_uring (788d0824269b); buffers over 1 GiB EFAULT" },
	{ "io_uring", GPT_KV(6, 5), GPT_KV(6, 10), "io_pin_pages(), io_uring/rsrc.c",
	  "io_uring_register(IORING_REGISTER_BUFFERS)",
	  GPT_PATH_PIN, W | LT, 0, 0, 0, GPT_ACCOUNT_USER_LOCKED_VM_PINNED,
	  GPT_PC_SINGLE_CALL, ENOMEM, EFAULT, 0, NULL,
	  "34ed8d0dcd69 \"io_uring: rsrc: delegate VMA file-backed check to GUP\" (6.5)",
	  "not read here: 6.1's pin_user_pages() under mmap_read_lock(), without its VMA "
	  "check; when it became memmap.c's pin_user_pages_fast() is not verified (6.12 "
	  "has it)" },
	{ "io_uring", GPT_KV(6, 10), 0, "io_pin_pages(), io_uring/memmap.c",
	  "io_uring_register(IORING_REGISTER_BUFFERS)",
	  GPT_PATH_PIN_FAST, W | LT, 0, 0, 0, GPT_ACCOUNT_USER_LOCKED_VM_PINNED,
	  GPT_PC_SINGLE_CALL, ENOMEM, EFAULT, 0, NULL,
	  "pin_user_pages_fast() in io_uring/memmap.c (the release is not verified: 6.12 "
	  "has it)",
	  "always FOLL_WRITE; 7.x: with CAP_IPC_LOCK not even pinned_vm is counted, and "
	  "buffers up to 1 TiB (EINVAL past it; EFAULT past 1 GiB before)" },

	{ "odirect", 0, GPT_KV(6, 4), "bio_iov_iter_get_pages(), block/bio.c",
	  "read() or write() of a file or block device opened O_DIRECT",
	  GPT_PATH_GUP_FAST, 0, W, 0, 256, GPT_ACCOUNT_NONE, 0, 0, 0, 0, NULL, NULL,
	  "FOLL_GET references; FOLL_WRITE for a read() into memory; a bio's 256 pages a "
	  "call; a short pin is a short read or write" },
	{ "odirect", GPT_KV(6, 4), 0, "bio_iov_iter_get_pages() -> iov_iter_extract_pages(), "
	  "block/bio.c", "read() or write() of a file or block device opened O_DIRECT",
	  GPT_PATH_PIN_FAST, 0, W, 0, 256, GPT_ACCOUNT_NONE, 0, 0, 0, 0, NULL,
	  "a7e689dd1c06 \"block: Convert bio_iov_iter_get_pages to use "
	  "iov_iter_extract_pages\" (6.4): FOLL_PIN",
	  "FOLL_WRITE for a read() into memory; never long-term, so shared file mappings "
	  "stay pinnable" },

	{ "v4l2", 0, GPT_KV(5, 11), "get_vaddr_frames(), mm/frame_vector.c",
	  "VIDIOC_QBUF with V4L2_MEMORY_USERPTR (videobuf2)",
	  GPT_PATH_PIN, W | FORCE, 0, 0, 0, GPT_ACCOUNT_NONE,
	  GPT_PC_SINGLE_CALL | GPT_PC_FSDAX_FIRST, 0, EFAULT, 0, NULL, NULL,
	  "5.10: pin_user_pages_locked(), short-term, FOLL_FORCE|FOLL_WRITE for every "
	  "queue; the first VMA fsdax is EOPNOTSUPP; the dma-sg allocator reports every "
	  "failure as ENOMEM" },
	{ "v4l2", GPT_KV(5, 11), GPT_KV(6, 1), "get_vaddr_frames(), mm/frame_vector.c "
	  "(later drivers/media/common/videobuf2/frame_vector.c)",
	  "VIDIOC_QBUF with V4L2_MEMORY_USERPTR (videobuf2)",
	  GPT_PATH_PIN_FAST, W | FORCE | LT, 0, 0, 0, GPT_ACCOUNT_NONE,
	  GPT_PC_SINGLE_CALL | GPT_PC_PFNMAP_FALLBACK | GPT_PC_PFNMAP_WHOLE, 0, EFAULT, 0,
	  NULL, "04769cb1c45a \"mm/frame-vector: Use FOLL_LONGTERM\" (the release is not "
	  "verified)",
	  "not read here, from the commits: VM_IO/VM_PFNMAP fell back to follow_pfn() "
	  "until 6647e76ab623 (6.1)" },
	{ "v4l2", GPT_KV(6, 1), GPT_KV(6, 2), "get_vaddr_frames(), "
	  "drivers/media/common/videobuf2/frame_vector.c",
	  "VIDIOC_QBUF with V4L2_MEMORY_USERPTR (videobuf2)",
	  GPT_PATH_PIN_FAST, W | FORCE | LT, 0, 0, 0, GPT_ACCOUNT_NONE, GPT_PC_SINGLE_CALL,
	  0, EFAULT, 0, NULL,
	  "6647e76ab623 \"v4l2: don't fall back to follow_pfn() if pin_user_pages_fast() "
	  "fails\" (6.1)",
	  "FOLL_FORCE|FOLL_WRITE for every queue; the dma-sg allocator reports every "
	  "failure as ENOMEM" },
	{ "v4l2", GPT_KV(6, 2), 0, "get_vaddr_frames(), "
	  "drivers/media/common/videobuf2/frame_vector.c",
	  "VIDIOC_QBUF with V4L2_MEMORY_USERPTR (videobuf2)",
	  GPT_PATH_PIN_FAST, LT, W, 0, 0, GPT_ACCOUNT_NONE, GPT_PC_SINGLE_CALL,
	  0, EFAULT, 0, NULL,
	  "cb78a634f3f7 \"mm/frame-vector: remove FOLL_FORCE usage\", e2fc6edd37ba (6.2): "
	  "FOLL_WRITE for capture queues only",
	  "the dma-sg allocator reports every failure as ENOMEM" },

	{ "xdp", ALL, "xdp_umem_reg() -> xdp_umem_pin_pages(), net/xdp/xdp_umem.c",
	  "setsockopt(SOL_XDP, XDP_UMEM_REG) on an AF_XDP socket",
	  GPT_PATH_PIN, W | LT, 0, 0, 0, GPT_ACCOUNT_USER_LOCKED_VM, GPT_PC_SINGLE_CALL,
	  ENOBUFS, ENOMEM, 0, NULL, NULL,
	  "always FOLL_WRITE; the umem address must be page aligned" },

	{ "vdpa", ALL, "vhost_vdpa_pa_map(), drivers/vhost/vdpa.c (5.10: "
	  "vhost_vdpa_process_iotlb_update())",
	  "write() of a VHOST_IOTLB_UPDATE to /dev/vhost-vdpa-N (a PA-mode device)",
	  GPT_PATH_PIN, LT, W, 0, 512, GPT_ACCOUNT_PINNED_VM_NOCAP, GPT_PC_FULL_BATCH,
	  ENOMEM, ENOMEM, EFAULT, NULL, NULL,
	  "vhost_chr_write_iter() turns every error into EFAULT; no capability lifts "
	  "RLIMIT_MEMLOCK" },

	{ "nvidia", ALL, "os_lock_user_pages(), kernel-open/nvidia/os-mlock.c "
	  "(open-gpu-kernel-modules 550.40.55+, 535.171.04+, x86)",
	  "cudaHostRegister() (the resource manager's user-memory descriptor)",
	  GPT_PATH_PIN, LT, W, 0, 0, GPT_ACCOUNT_NONE,
	  GPT_PC_SINGLE_CALL | GPT_PC_PFNMAP_FALLBACK | GPT_PC_PFNMAP_WHOLE, 0, EFAULT, 0,
	  "NV_ERR_INVALID_ADDRESS", NULL,
	  "the errno is lost: any short pin is NV_ERR_INVALID_ADDRESS; VM_IO/VM_PFNMAP "
	  "ranges go to os_lookup_user_io_memory(), unpinned; drivers before 550.40.55 "
	  "pin short-term" },

	{ "kvm", ALL, "hva_to_pfn_slow(), virt/kvm/kvm_main.c",
	  "a guest's access to its memory (KVM_RUN, a stage-2 fault)",
	  GPT_PATH_GUP_UNLOCKED, 0, W, 0, 1, GPT_ACCOUNT_NONE, GPT_PC_PFNMAP_FALLBACK,
	  0, 0, EFAULT, NULL, NULL,
	  "FOLL_GET references, one page a fault, after get_user_page_fast_only(); "
	  "FOLL_HWPOISON too (a poisoned page is SIGBUS); VM_IO/VM_PFNMAP through "
	  "hva_to_pfn_remapped(); KVM_RUN gets EFAULT" },

	{ "process_vm", ALL, "process_vm_rw_single_vec(), mm/process_vm_access.c",
	  "process_vm_readv() or process_vm_writev() of another process",
	  GPT_PATH_PIN_REMOTE, 0, W, 0, 1024, GPT_ACCOUNT_NONE, 0, 0, 0, EFAULT, NULL, NULL,
	  "the remote process's pages, FOLL_WRITE for writev(); every GUP failure is "
	  "EFAULT, or the bytes copied before it" },
};

#define NR_ROWS	(sizeof(rows) / sizeof(rows[0]))

const char *gpt_path_function(uint32_t path)
{
	static const char *const fn[GPT_PATH_END] = {
		[GPT_PATH_GUP_FAST] = "get_user_pages_fast",
		[GPT_PATH_PIN_FAST] = "pin_user_pages_fast",
		[GPT_PATH_PIN] = "pin_user_pages",
		[GPT_PATH_GUP] = "get_user_pages",
		[GPT_PATH_GUP_FAST_ONLY] = "get_user_pages_fast_only",
		[GPT_PATH_GUP_UNLOCKED] = "get_user_pages_unlocked",
		[GPT_PATH_GUP_REMOTE] = "get_user_pages_remote",
		[GPT_PATH_PIN_FAST_ONLY] = "pin_user_pages_fast_only",
		[GPT_PATH_PIN_UNLOCKED] = "pin_user_pages_unlocked",
		[GPT_PATH_PIN_REMOTE] = "pin_user_pages_remote",
	};

	return path < GPT_PATH_END && fn[path] ? fn[path] : "?";
}

const struct gpt_driver *gpt_drivers(size_t *n)
{
	*n = NR_ROWS;
	return rows;
}

uint32_t gpt_kernel_kv(void)
{
	struct utsname u;
	unsigned int a, b;

	if (uname(&u) || sscanf(u.release, "%u.%u", &a, &b) != 2)
		return 0;
	return GPT_KV(a, b);
}

bool gpt_driver_in(const struct gpt_driver *p, uint32_t kv)
{
	return (!p->since || kv >= p->since) && (!p->before || kv < p->before);
}

const struct gpt_driver *gpt_driver_for(const char *name, uint32_t kv)
{
	for (size_t i = 0; i < NR_ROWS; i++)
		if (!strcmp(rows[i].name, name) && gpt_driver_in(&rows[i], kv))
			return &rows[i];
	return NULL;
}

const char *const *gpt_driver_names(void)
{
	static const char *names[NR_ROWS + 1];
	size_t n = 0;

	if (names[0])
		return names;
	for (size_t i = 0; i < NR_ROWS; i++)
		if (!n || strcmp(names[n - 1], rows[i].name))
			names[n++] = rows[i].name;
	names[n] = NULL;
	return names;
}

const char *gpt_driver_kernels(const struct gpt_driver *p, char *buf, size_t len)
{
	if (!p->since && !p->before)
		snprintf(buf, len, "all");
	else if (!p->before)
		snprintf(buf, len, "%u.%u+", p->since >> 8, p->since & 0xff);
	else if (!p->since && (p->before & 0xff))
		snprintf(buf, len, "to %u.%u", p->before >> 8, (p->before & 0xff) - 1);
	else if (!p->since)
		snprintf(buf, len, "before %u.0", p->before >> 8);
	else if (p->before == p->since + 1)
		snprintf(buf, len, "%u.%u", p->since >> 8, p->since & 0xff);
	else if (p->before & 0xff)
		snprintf(buf, len, "%u.%u-%u.%u", p->since >> 8, p->since & 0xff,
			 p->before >> 8, (p->before & 0xff) - 1);
	else
		snprintf(buf, len, "%u.%u to before %u.0", p->since >> 8, p->since & 0xff,
			 p->before >> 8);
	return buf;
}

static const struct {
	const char *name, *text;
} accounts[GPT_ACCOUNT_END] = {
	[GPT_ACCOUNT_DEFAULT] = { "default", "pinned_vm if held, else nothing" },
	[GPT_ACCOUNT_NONE] = { "none", "not charged to RLIMIT_MEMLOCK" },
	[GPT_ACCOUNT_PINNED_VM] = { "pinned-vm",
		"mm->pinned_vm (VmPin); CAP_IPC_LOCK lifts the limit" },
	[GPT_ACCOUNT_PINNED_VM_NOCAP] = { "pinned-vm-nocap",
		"mm->pinned_vm (VmPin); no capability lifts the limit" },
	[GPT_ACCOUNT_LOCKED_VM] = { "locked-vm",
		"mm->locked_vm (VmLck, with mlock()ed memory); CAP_IPC_LOCK lifts the limit" },
	[GPT_ACCOUNT_USER_LOCKED_VM] = { "user-locked-vm",
		"the user's locked_vm (all its processes); CAP_IPC_LOCK charges nothing" },
	[GPT_ACCOUNT_USER_LOCKED_VM_PINNED] = { "user-locked-vm-pinned",
		"the user's locked_vm unless CAP_IPC_LOCK, and VmPin, unchecked" },
};

const char *gpt_account_name(uint32_t account)
{
	return account < GPT_ACCOUNT_END ? accounts[account].name : "?";
}

const char *gpt_account_text(uint32_t account)
{
	return account < GPT_ACCOUNT_END ? accounts[account].text : "?";
}

int gpt_account_by_name(const char *name)
{
	for (int a = 0; a < GPT_ACCOUNT_END; a++)
		if (!strcmp(accounts[a].name, name))
			return a;
	return -1;
}

void gpt_driver_request(const struct gpt_driver *p, bool device_writes,
			 struct gpt_pin *req)
{
	req->path = p->path;
	/* GPT_FLAG_HOLD and the like are the caller's: only GUP's are the driver's */
	req->flags = (req->flags & ~GPT_FLAG_GUP_ALL) | p->flags |
		     (device_writes ? p->flags_write : p->flags_read);
	req->pages_per_call = p->per_call;
	req->account = p->account;
}

/* What to change when GUP refused for @reason. */
static const char *fix_for(uint32_t reason, const struct gpt_driver *p)
{
	switch (reason) {
	case GPT_REASON_FSDAX_LONGTERM:
		return "use device-DAX (/dev/daxN.M) or anonymous, shmem or hugetlb memory; "
		       "an fsdax file cannot be pinned long-term (the filesystem may move "
		       "its blocks); rdma: an ODP MR (IB_ACCESS_ON_DEMAND) pins nothing";
	case GPT_REASON_FILE_LONGTERM:
		return "long-term write pins of page cache that needs dirty tracking are "
		       "refused since 6.5: use anonymous, memfd/shmem or hugetlbfs memory, "
		       "map the file MAP_PRIVATE, or let the device only read";
	case GPT_REASON_NOT_WRITABLE:
		return p->flags_read != p->flags_write ?
		       "map it PROT_WRITE, or register it for the device to read only" :
		       "map it PROT_WRITE: this caller always pins for writing";
	case GPT_REASON_NOT_READABLE:
		return "map it readable";
	case GPT_REASON_VM_IO_PFNMAP:
		return "VM_IO/VM_PFNMAP memory has no pages GUP can take; give the device "
		       "ordinary memory, or a caller that maps pfns (vfio, kvm)";
	case GPT_REASON_SECRETMEM:
		return "memfd_secret() memory is never pinned: that is its point";
	case GPT_REASON_NO_VMA:
		return "map the whole range first";
	default:
		return NULL;
	}
}

static void because(struct gpt_verdict *v, const char *fmt, const char *a, const char *b)
{
	snprintf(v->buf, sizeof(v->buf), fmt, a, b);
	v->because = v->buf;
}

/*
 * io_uring's VMA check (io_pin_pages() to 6.4): vma_is_shmem() passes,
 * then any vm_file but a hugetlbfs one fails, a private /dev/zero too.
 * From the page-table sample's VMA bits; from the page's kind where the
 * module is older than them.
 */
static bool iouring_refuses(const struct gpt_page_record *r)
{
	uint32_t vma = r->before.vma;
	uint8_t kind = r->pinned.kind;

	if (vma & GPT_VMA_KNOWN)
		return !(vma & GPT_VMA_SHMEM) && (vma & GPT_VMA_FILE) &&
		       !(vma & GPT_VMA_HUGETLB);
	return kind == GPT_KIND_FILE || kind == GPT_KIND_FSDAX || kind == GPT_KIND_DEVDAX;
}

/* What a VMA's file is, as far as telling two files apart goes. */
#define FILE_BITS	(GPT_VMA_FILE | GPT_VMA_SHMEM | GPT_VMA_HUGETLB | GPT_VMA_FSDAX)

/* Caller checks on what was pinned: 0, or the caller's errno. */
static int caller_check(const struct gpt_driver *p, const struct gpt_page_record *rec,
			uint64_t n, struct gpt_verdict *v)
{
	for (uint64_t i = 0; rec && i < n; i++) {
		uint32_t vma = rec[i].before.vma, first = rec[0].before.vma;

		/*
		 * vmas[i]->vm_file != vmas[0]->vm_file: the samples tell files
		 * apart by kind only, so two ext4 files pass here.
		 */
		if ((p->checks & GPT_PC_ONE_FILE) && (vma & first & GPT_VMA_KNOWN) &&
		    (vma & FILE_BITS) != (first & FILE_BITS)) {
			because(v, "%s: pages of more than one file (vm_file differs from the "
				"first page's, page %s; io_uring's own check until 6.5)",
				p->caller, i == 1 ? "1" : "after 1");
			v->fix = "register memory of one mapping: one buffer per file";
			return EINVAL;
		}
		if ((p->checks & GPT_PC_IOURING_FILE) && iouring_refuses(&rec[i])) {
			because(v, "%s: a VMA with a file that is neither shmem nor hugetlbfs "
				"(%s; io_uring's own check, until 34ed8d0dcd69, 6.5)", p->caller,
				vma & GPT_VMA_ANON ? "a private /dev/zero mapping" :
				"vma->vm_file");
			v->fix = "use anonymous, memfd/shmem or hugetlbfs buffers (or a 6.5+ "
				 "kernel, where GUP decides)";
			return EOPNOTSUPP;
		}
		if ((p->checks & GPT_PC_FSDAX_FIRST) && !i &&
		    ((vma & GPT_VMA_FSDAX) || rec[i].pinned.kind == GPT_KIND_FSDAX)) {
			because(v, "%s: the first VMA is fsdax (vma_is_fsdax())%s", p->caller, "");
			v->fix = "use memory that is not an fsdax file";
			return EOPNOTSUPP;
		}
	}
	return 0;
}

/*
 * The caller's own way with VM_IO/VM_PFNMAP: vfio's for VM_PFNMAP only
 * (VM_IO alone stays EFAULT); nvidia's only for a range of nothing else,
 * nothing pinned.  Unknown VMA bits: as the reason says.
 */
static bool pfnmap_fallback(const struct gpt_driver *p, const struct gpt_pin_result *res,
			    const struct gpt_page_record *rec, uint64_t nrec)
{
	uint32_t need = (p->checks & GPT_PC_PFNMAP_ONLY) ? GPT_VMA_PFNMAP :
			GPT_VMA_IO | GPT_VMA_PFNMAP;
	uint64_t at = res->error_index;

	if (res->reason != GPT_REASON_VM_IO_PFNMAP || !(p->checks & GPT_PC_PFNMAP_FALLBACK))
		return false;
	if ((p->checks & GPT_PC_PFNMAP_WHOLE) && res->pinned)
		return false;
	for (uint64_t i = 0; rec && i < nrec; i++) {
		uint32_t vma = rec[i].before.vma;

		if ((i == at || (p->checks & GPT_PC_PFNMAP_WHOLE)) &&
		    (vma & GPT_VMA_KNOWN) && !(vma & need))
			return false;
	}
	return true;
}

/*
 * Did the driver see a GUP call come back short?  A single-call driver
 * makes one call; one that fails a short batch makes one per batch.  The
 * module asks again from where a call stopped: more calls than that mean
 * one was short, even if a later one pinned the rest.
 */
static bool saw_short_call(const struct gpt_driver *p, const struct gpt_pin_result *res,
			   uint64_t nr_pages)
{
	uint64_t batches = p->per_call ? (nr_pages + p->per_call - 1) / p->per_call : 1;

	if (!(p->checks & (GPT_PC_SINGLE_CALL | GPT_PC_FULL_BATCH)))
		return false;
	return res->calls > batches || (res->error && res->pinned);
}

void gpt_driver_judge(const struct gpt_driver *p, int ioctl_err,
		       const struct gpt_pin_result *res,
		       const struct gpt_page_record *rec, uint64_t nrec,
		       uint64_t nr_pages, struct gpt_verdict *v)
{
	bool short_call = saw_short_call(p, res, nr_pages);

	memset(v, 0, sizeof(*v));
	v->kind = GPT_VERDICT_FAILS;
	if (ioctl_err && res->reason == GPT_REASON_MEMLOCK) {
		v->err = p->all_err ? p->all_err : p->memlock_err;
		because(v, "RLIMIT_MEMLOCK: %s (%s)", gpt_account_text(p->account), p->caller);
		v->fix = p->account == GPT_ACCOUNT_PINNED_VM_NOCAP ?
			 "raise RLIMIT_MEMLOCK (ulimit -l): no capability lifts it here" :
			 "raise RLIMIT_MEMLOCK (ulimit -l), or give the process CAP_IPC_LOCK";
		return;
	}
	if (ioctl_err) {
		v->kind = GPT_VERDICT_UNKNOWN;
		snprintf(v->buf, sizeof(v->buf), "the module did not run it: %s (%s)",
			 gpt_errno_name(-ioctl_err), gpt_reason_name(res->reason));
		v->because = v->buf;
		return;
	}
	if (!res->error && res->pinned == nr_pages && !short_call) {
		v->err = caller_check(p, rec, nrec < nr_pages ? nrec : nr_pages, v);
		v->kind = v->err ? GPT_VERDICT_FAILS : GPT_VERDICT_OK;
		if (!v->err)
			because(v, "%s pins every page%s", p->caller, "");
		return;
	}
	if (pfnmap_fallback(p, res, rec, nrec)) {
		v->kind = GPT_VERDICT_FALLBACK;
		because(v, "GUP refuses VM_IO/VM_PFNMAP (EFAULT); %s then maps the pfns "
			"itself, with no pin and no page reference (its fallback, not run here)%s",
			p->caller, "");
		return;
	}
	v->err = p->all_err ? p->all_err :
		 short_call || !res->error ? p->short_err : res->error;
	v->fix = fix_for(res->reason, p);
	if (short_call || !res->error)
		snprintf(v->buf, sizeof(v->buf), "a GUP call came back short (%llu of %llu "
			 "pages pinned in %llu calls%s%s); %s gives up on a short pin",
			 (unsigned long long)res->pinned, (unsigned long long)nr_pages,
			 (unsigned long long)res->calls, res->error ? ", then " : "",
			 res->error ? gpt_errno_name(res->error) : "", p->caller);
	else
		snprintf(v->buf, sizeof(v->buf), "GUP refuses: %s, %s: %s (%s)",
			 gpt_errno_name(res->error), gpt_reason_name(res->reason),
			 gpt_reason_text(res->reason),
			 res->reason_how == GPT_HOW_INFERRED ? "inferred from the VMA" :
			 "the module");
	v->because = v->buf;
	if (!v->err)		/* retries until GUP's errno, which none was */
		v->err = EFAULT;
}

const char *gpt_verdict_cell(const struct gpt_verdict *v)
{
	switch (v->kind) {
	case GPT_VERDICT_OK: return "ok";
	case GPT_VERDICT_FALLBACK: return "no-pin";
	case GPT_VERDICT_FAILS: return gpt_errno_name(v->err);
	default: return "?";
	}
}
