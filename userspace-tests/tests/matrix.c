// SPDX-License-Identifier: GPL-2.0
/*
 * The matrix: every kind of memory x every path x {read, write} x
 * {short-term, long-term}, NPAGES pages a cell, every cell asserted.
 *
 * What each kernel does with each cell is given by the rule table below:
 * the first rule that holds for the running kernel and matches a cell
 * decides its outcome, and says which kernel code decides it and which
 * commit made it so.  Counts follow from the outcome by the model in
 * expect.c.
 */
#include <errno.h>
#include <stdio.h>
#include "expect.h"

#define NPAGES		16
#define MATRIX_KINDS	(GPT_MEM_ZERO_PAGE + 1)	/* kinds 0..ZERO_PAGE */

#define K(x)		(1U << GPT_MEM_##x)
#define P(x)		(1U << GPT_PATH_##x)
#define ANY		0
#define FAST_ONLY	(P(GUP_FAST_ONLY) | P(PIN_FAST_ONLY))
#define NOT_FAST_ONLY	(~FAST_ONLY)
#define R		1	/* read */
#define W		2	/* write */
#define S		1	/* short-term */
#define L		2	/* long-term */

struct rule {
	uint32_t kinds;		/* K() mask; ANY */
	uint32_t paths;		/* P() mask; ANY */
	unsigned int rw;	/* R, W; ANY */
	unsigned int term;	/* S, L; ANY */
	struct krange k;	/* kernels the rule holds for */
	struct expect e;
	const char *commit;	/* what made it so, and in which release */
};

#define FSDAX_KINDS	(K(FSDAX_PRIVATE) | K(FSDAX_SHARED))
#define PIN_SLOW	(P(PIN) | P(PIN_FAST) | P(PIN_UNLOCKED) | P(PIN_REMOTE))
/* Private file mappings and the zero page: not anonymous, COW mappings */
#define COW_NOT_ANON	(K(EXT4_PRIVATE) | K(READ_ONLY) | K(ZERO_PAGE))

static const struct rule rules[] = {
	/* Paths a kernel does not have (kinds: kind_missing()). */
	{ ANY, P(PIN_FAST_ONLY), ANY, ANY, SINCE(6, 3),
	  { .outcome = MODULE_REFUSED, .err = EINVAL, .reason = GPT_REASON_NOT_IN_KERNEL, .why =
	    "pin_user_pages_fast_only() is gone; the module has no such path" },
	  "edad1bb1fbf7 \"mm/gup: remove pin_user_pages_fast_only()\", 6.3" },

	/* The module refuses what the kernel would WARN about. */
	{ ANY, P(GUP) | P(GUP_FAST) | P(GUP_REMOTE), ANY, L, ALL_KERNELS,
	  { .outcome = MODULE_REFUSED, .err = EINVAL, .reason = GPT_REASON_GET_LONGTERM, .why =
	    "is_valid_gup_flags() WARNs on FOLL_LONGTERM without FOLL_PIN" },
	  "5.7+; is_valid_gup_args() from d64e2dbc33a1, 6.3" },
	{ ANY, P(GUP_FAST_ONLY) | P(GUP_UNLOCKED), ANY, L, SINCE(6, 3),
	  { .outcome = MODULE_REFUSED, .err = EINVAL, .reason = GPT_REASON_GET_LONGTERM, .why =
	    "is_valid_gup_args() WARNs on FOLL_LONGTERM without FOLL_PIN, on every entry point" },
	  "d64e2dbc33a1, 6.3" },
	{ ANY, P(GUP_UNLOCKED) | P(PIN_UNLOCKED), ANY, L, BEFORE(6, 3),
	  { .outcome = MODULE_REFUSED, .err = EINVAL, .reason = GPT_REASON_UNLOCKED_LONGTERM, .why =
	    "get_user_pages_unlocked() WARNs on FOLL_LONGTERM" },
	  "until is_valid_gup_args() lets pin_user_pages_unlocked() through, 6.3" },

	/*
	 * memfd_secret: no GUP at all.  GUP-fast must hold a reference before
	 * it may look at a folio, so FOLL_PIN counts one pin in and out
	 * (try_grab_folio(), then page_is_secretmem() and gup_put_folio() in
	 * 6.1's gup_pte_range(); gup_fast_folio_allowed() after the grab from
	 * 6.10).
	 */
	{ K(SECRET), P(PIN_FAST_ONLY), ANY, ANY, ALL_KERNELS,
	  { .outcome = NOTHING, .reason = GPT_REASON_SHORT, .transient = 1, .why =
	    "gup_pte_range(): page_is_secretmem() after try_grab_folio()" },
	  "5.14+" },
	{ K(SECRET), P(PIN_FAST), ANY, ANY, ALL_KERNELS,
	  { .outcome = REFUSED, .err = EFAULT, .reason = GPT_REASON_SECRETMEM,
	    .transient = 1, .why =
	    "GUP-fast's transient pin, then check_vma_flags(): vma_is_secretmem()" },
	  "5.14+" },
	{ K(SECRET), FAST_ONLY, ANY, ANY, ALL_KERNELS,
	  { .outcome = NOTHING, .reason = GPT_REASON_SHORT, .why =
	    "gup_pte_range(): page_is_secretmem() stops GUP-fast" }, "5.14+" },
	{ K(SECRET), ANY, ANY, ANY, ALL_KERNELS,
	  { .outcome = REFUSED, .err = EFAULT, .reason = GPT_REASON_SECRETMEM, .why =
	    "check_vma_flags(): vma_is_secretmem()" }, "5.14+" },

	/* No access rights, or no write right. */
	{ K(PROT_NONE), FAST_ONLY, ANY, ANY, ALL_KERNELS, { .outcome = NOTHING, .reason = GPT_REASON_SHORT,
	  .why = "no PTE, and no slow path to fault one in" }, "all" },
	{ K(PROT_NONE), ANY, W, ANY, ALL_KERNELS, { .outcome = REFUSED, .err = EFAULT, .reason = GPT_REASON_NOT_WRITABLE,
	  .why = "check_vma_flags(): write without VM_WRITE" }, "all" },
	{ K(PROT_NONE), ANY, R, ANY, ALL_KERNELS, { .outcome = REFUSED, .err = EFAULT, .reason = GPT_REASON_NOT_READABLE,
	  .why = "check_vma_flags(): read without VM_READ" }, "all" },
	{ K(READ_ONLY), FAST_ONLY, W, ANY, ALL_KERNELS, { .outcome = NOTHING, .reason = GPT_REASON_SHORT,
	  .why = "read-only PTE, no slow path" }, "all" },
	{ K(READ_ONLY), ANY, W, ANY, ALL_KERNELS, { .outcome = REFUSED, .err = EFAULT, .reason = GPT_REASON_NOT_WRITABLE,
	  .why = "check_vma_flags(): write without VM_WRITE or FOLL_FORCE" }, "all" },

	/* fsdax: long-term pins refused wherever a VMA is looked at. */
	{ FSDAX_KINDS, FAST_ONLY, ANY, L, ALL_KERNELS, { .outcome = NOTHING, .reason = GPT_REASON_SHORT, .why =
	  "GUP-fast leaves fsdax to the slow path under FOLL_LONGTERM" },
	  "pte_devmap() up to 6.14; folio_is_longterm_pinnable() false for fsdax, e5cb23256347, 6.15" },
	/*
	 * Until 5.11, __gup_longterm_locked() pinned first and asked
	 * check_dax_vmas() after: every page pinned and unpinned again, and a
	 * write to a private mapping COWed all of them before the refusal.
	 */
	{ K(FSDAX_PRIVATE), PIN_SLOW, W, L, BEFORE(5, 11),
	  { .outcome = REFUSED, .err = EOPNOTSUPP, .reason = GPT_REASON_FSDAX_LONGTERM,
	    .transient = NPAGES, .replaced = true, .why =
	    "__gup_longterm_locked(): the write faults COW, then check_dax_vmas() unpins" },
	  "until 52650c8b466b, 5.11" },
	{ FSDAX_KINDS, PIN_SLOW, ANY, L, BEFORE(5, 11),
	  { .outcome = REFUSED, .err = EOPNOTSUPP, .reason = GPT_REASON_FSDAX_LONGTERM,
	    .transient = NPAGES, .why =
	    "__gup_longterm_locked(): pinned, then check_dax_vmas() unpins" },
	  "until 52650c8b466b, 5.11" },
	{ K(FSDAX_COW), P(PIN) | P(PIN_REMOTE), ANY, L, BEFORE(5, 11),
	  { .outcome = REFUSED, .err = EOPNOTSUPP, .reason = GPT_REASON_FSDAX_LONGTERM,
	    .transient = NPAGES, .why =
	    "__gup_longterm_locked(): pinned, then check_dax_vmas() unpins" },
	  "until 52650c8b466b, 5.11" },
	{ FSDAX_KINDS, ANY, ANY, L, SINCE(5, 11), { .outcome = REFUSED, .err = EOPNOTSUPP, .reason = GPT_REASON_FSDAX_LONGTERM,
	  .why = "check_vma_flags(): FOLL_LONGTERM && vma_is_fsdax()" },
	  "52650c8b466b, 5.11 (check_dax_vmas() after pinning before)" },
	/*
	 * The surprise: in a private fsdax mapping, pages written before are
	 * COW copies, ordinary anonymous pages.  GUP-fast pins them long-term
	 * without looking at the VMA; the slow path still refuses.
	 */
	{ K(FSDAX_COW), P(PIN) | P(PIN_REMOTE) | P(PIN_UNLOCKED), ANY, L, SINCE(5, 11),
	  { .outcome = REFUSED, .err = EOPNOTSUPP, .reason = GPT_REASON_FSDAX_LONGTERM, .why =
	    "check_vma_flags() judges the VMA, not the page" }, "52650c8b466b, 5.11" },
	{ K(FSDAX_COW), ANY, ANY, L, ALL_KERNELS, { .outcome = PINNED, .why =
	  "GUP-fast pins the anonymous COW copy: no VMA check on that path" },
	  "5.2+" },

	/* Writes to private file mappings and the zero page COW. */
	{ K(FSDAX_PRIVATE) | K(EXT4_PRIVATE) | K(ZERO_PAGE), FAST_ONLY, W, ANY, ALL_KERNELS,
	  { .outcome = NOTHING, .reason = GPT_REASON_SHORT, .why =
	    "read-only PTE, no slow path to COW in" }, "all" },
	{ K(FSDAX_PRIVATE) | K(EXT4_PRIVATE) | K(ZERO_PAGE), ANY, W, ANY, ALL_KERNELS,
	  { .outcome = PINNED_FRESH, .why = "the write fault COWs: a new anonymous page is pinned" },
	  "all" },
	/*
	 * A read-only long-term pin must see what the process sees later: in
	 * a COW mapping the kernel unshares first, so the pin lands on a fresh
	 * anonymous copy of the file page or of the zero page.
	 */
	{ K(EXT4_PRIVATE) | K(READ_ONLY), P(PIN_FAST_ONLY), R, L, FROM_TO(6, 2, 6, 3),
	  { .outcome = NOTHING, .reason = GPT_REASON_SHORT, .transient = 1, .why =
	    "GUP-fast grabs the first folio, gup_must_unshare() drops it; no slow path" },
	  "84209e87c696, 6.2 (pin_user_pages_fast_only() gone in 6.3)" },
	{ K(EXT4_PRIVATE) | K(READ_ONLY), P(PIN_FAST), R, L, SINCE(6, 2),
	  { .outcome = PINNED_FRESH, .transient = 1, .why =
	    "GUP-fast grabs the first folio before gup_must_unshare() sends it to the slow path" },
	  "84209e87c696, 6.2" },
	{ COW_NOT_ANON, PIN_SLOW, R, L, SINCE(6, 2),
	  { .outcome = PINNED_FRESH, .why =
	    "gup_must_unshare(): FOLL_LONGTERM R/O pin of a non-anonymous page in a COW mapping" },
	  "84209e87c696 \"mm/gup: reliable R/O long-term pinning in COW mappings\", 6.2" },
	{ K(ZERO_PAGE), FAST_ONLY, R, ANY, ALL_KERNELS, { .outcome = NOTHING, .reason = GPT_REASON_SHORT, .why =
	  "the zero page's PTE is special: GUP-fast leaves it to the slow path" },
	  "all" },
	/* A long-term write pin of a shared file mapping would dirty page
	 * cache behind the filesystem's back: refused from 6.5, never for
	 * shmem or hugetlb.
	 */
	{ K(EXT4_SHARED), P(PIN_FAST), W, L, SINCE(6, 5),
	  { .outcome = REFUSED, .err = EFAULT, .reason = GPT_REASON_FILE_LONGTERM,
	    .transient = 1, .why =
	    "GUP-fast grabs the first folio before gup_fast_folio_allowed() refuses it; "
	    "then check_vma_flags(): writable_file_mapping_allowed()" },
	  "a6e79df92e4a, 8ac268436e6d, 6.5" },
	{ K(EXT4_SHARED), PIN_SLOW, W, L, SINCE(6, 5),
	  { .outcome = REFUSED, .err = EFAULT, .reason = GPT_REASON_FILE_LONGTERM, .why =
	    "check_vma_flags(): writable_file_mapping_allowed()" },
	  "8ac268436e6d, a6e79df92e4a (GUP-fast), 6.5" },

	/* Everything else pins, short- or long-term. */
	{ ANY, ANY, ANY, ANY, ALL_KERNELS, { .outcome = PINNED, .why =
	  "nothing refuses it: GUP pins what is mapped" }, "all" },
};

#define NR_RULES (sizeof(rules) / sizeof(rules[0]))

static const struct rule *rule_for(enum gpt_mem_kind kind, uint32_t path,
				   unsigned int rw, unsigned int term)
{
	for (size_t i = 0; i < NR_RULES; i++) {
		const struct rule *r = &rules[i];

		if (kernel_in(r->k) &&
		    (!r->kinds || (r->kinds & (1U << kind))) &&
		    (!r->paths || (r->paths & (1U << path))) &&
		    (!r->rw || r->rw == rw) && (!r->term || r->term == term))
			return r;
	}
	return NULL;
}

static void matrix_cell(struct suite *s, enum gpt_mem_kind kind,
			uint32_t path, unsigned int rw, unsigned int term)
{
	const struct rule *rule = rule_for(kind, path, rw, term);
	const struct gpt_path_info *p = gpt_path_by_id(&s->info, path);
	struct expect missing;
	const struct expect *e = expect_here(&rule->e, kind, &missing);
	struct gpt_pin req = { 0 };
	struct gpt_cell_result r;
	struct tap_point t;

	req.path = path;
	req.flags = (rw == W ? GPT_FLAG_WRITE : 0) |
		    (term == L ? GPT_FLAG_LONGTERM : 0);
	tap_begin(&t);
	gpt_cell_run(s->fd, &s->dirs, kind, NPAGES, &req, true, &r);
	expect_check(&t, e, kind, &r, 1);
	tap_end(&t, "matrix %s %s %s %s: %s [rule %zu]", gpt_kind_name(kind),
		p ? p->name : "?", rw == W ? "write" : "read",
		term == L ? "long-term" : "short-term",
		expect_describe(e, kind, path, NPAGES),
		e == &rule->e ? (size_t)(rule - rules) + 1 : 0);
}

void test_matrix(struct suite *s)
{
	char range[32];

	tap_diag("matrix rules on %s, first match wins:", kernel.name);
	tap_diag("  rule 0: memory not available: kind_missing(): memfd_secret(2) "
		 "[5.14+: 1507f51255c9], anon-thp without CONFIG_TRANSPARENT_HUGEPAGE "
		 "[!PREEMPT_RT: 554b0f3ca6f4, 5.16]");
	for (size_t i = 0; i < NR_RULES; i++)
		tap_diag("  rule %zu%s: %s%s%s [%s: %s]", i + 1,
			 kernel_in(rules[i].k) ? "" : " (not this kernel)",
			 expect_describe(&rules[i].e, GPT_MEM_ANON, GPT_PATH_PIN, NPAGES),
			 rules[i].e.why ? ": " : "",
			 rules[i].e.why ? rules[i].e.why : "",
			 krange_name(rules[i].k, range, sizeof(range)),
			 rules[i].commit);

	for (int kind = 0; kind < MATRIX_KINDS; kind++)
		for (uint32_t path = 1; path < GPT_PATH_END; path++)
			for (unsigned int term = S; term <= L; term++)
				for (unsigned int rw = R; rw <= W; rw++)
					matrix_cell(s, kind, path, rw, term);
}
