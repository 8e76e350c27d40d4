// SPDX-License-Identifier: GPL-2.0
/*
 * The matrix: every kind of memory x every path x {read, write} x
 * {short-term, long-term}, NPAGES pages a cell, every cell asserted.
 *
 * What Debian's 6.1 does with each cell is given by the rule table below:
 * the first rule that matches a cell decides its outcome, and says which
 * kernel code decides it and for which versions it holds.  Counts follow
 * from the outcome by the model in expect.c.
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
	struct expect e;
	const char *kernels;	/* versions the rule holds for */
};

#define FSDAX_KINDS	(K(FSDAX_PRIVATE) | K(FSDAX_SHARED))

static const struct rule rules[] = {
	/* The module refuses what the kernel would WARN about. */
	{ ANY, P(GUP) | P(GUP_FAST) | P(GUP_REMOTE), ANY, L,
	  { .outcome = MODULE_REFUSED, .err = EINVAL, .reason = GPT_REASON_GET_LONGTERM, .why =
	    "is_valid_gup_flags() WARNs on FOLL_LONGTERM without FOLL_PIN" },
	  "5.7+ (is_valid_gup_args() from 6.3)" },
	{ ANY, P(GUP_UNLOCKED) | P(PIN_UNLOCKED), ANY, L,
	  { .outcome = MODULE_REFUSED, .err = EINVAL, .reason = GPT_REASON_UNLOCKED_LONGTERM, .why =
	    "get_user_pages_unlocked() WARNs on FOLL_LONGTERM" },
	  "up to 6.2; 6.3 lets pin_user_pages_unlocked() through" },

	/*
	 * memfd_secret: no GUP at all.  GUP-fast must hold a reference before
	 * it may look at a folio, so FOLL_PIN counts one pin in and out
	 * (try_grab_folio(), then page_is_secretmem() and gup_put_folio() in
	 * 6.1's gup_pte_range(); gup_fast_folio_allowed() after the grab from
	 * 6.10).
	 */
	{ K(SECRET), P(PIN_FAST_ONLY), ANY, ANY,
	  { .outcome = NOTHING, .reason = GPT_REASON_SHORT, .transient = 1, .why =
	    "gup_pte_range(): page_is_secretmem() after try_grab_folio()" },
	  "5.14+" },
	{ K(SECRET), P(PIN_FAST), ANY, ANY,
	  { .outcome = REFUSED, .err = EFAULT, .reason = GPT_REASON_SECRETMEM,
	    .transient = 1, .why =
	    "GUP-fast's transient pin, then check_vma_flags(): vma_is_secretmem()" },
	  "5.14+" },
	{ K(SECRET), FAST_ONLY, ANY, ANY,
	  { .outcome = NOTHING, .reason = GPT_REASON_SHORT, .why =
	    "gup_pte_range(): page_is_secretmem() stops GUP-fast" }, "5.14+" },
	{ K(SECRET), ANY, ANY, ANY,
	  { .outcome = REFUSED, .err = EFAULT, .reason = GPT_REASON_SECRETMEM, .why =
	    "check_vma_flags(): vma_is_secretmem()" }, "5.14+" },

	/* No access rights, or no write right. */
	{ K(PROT_NONE), FAST_ONLY, ANY, ANY, { .outcome = NOTHING, .reason = GPT_REASON_SHORT,
	  .why = "no PTE, and no slow path to fault one in" }, "all" },
	{ K(PROT_NONE), ANY, W, ANY, { .outcome = REFUSED, .err = EFAULT, .reason = GPT_REASON_NOT_WRITABLE,
	  .why = "check_vma_flags(): write without VM_WRITE" }, "all" },
	{ K(PROT_NONE), ANY, R, ANY, { .outcome = REFUSED, .err = EFAULT, .reason = GPT_REASON_NOT_READABLE,
	  .why = "check_vma_flags(): read without VM_READ" }, "all" },
	{ K(READ_ONLY), FAST_ONLY, W, ANY, { .outcome = NOTHING, .reason = GPT_REASON_SHORT,
	  .why = "read-only PTE, no slow path" }, "all" },
	{ K(READ_ONLY), ANY, W, ANY, { .outcome = REFUSED, .err = EFAULT, .reason = GPT_REASON_NOT_WRITABLE,
	  .why = "check_vma_flags(): write without VM_WRITE or FOLL_FORCE" }, "all" },

	/* fsdax: long-term pins refused wherever a VMA is looked at. */
	{ FSDAX_KINDS, FAST_ONLY, ANY, L, { .outcome = NOTHING, .reason = GPT_REASON_SHORT, .why =
	  "gup_pte_range(): pte_devmap() under FOLL_LONGTERM is left to the slow path" },
	  "5.2 to 6.16 (devmap PTE bit)" },
	{ FSDAX_KINDS, ANY, ANY, L, { .outcome = REFUSED, .err = EOPNOTSUPP, .reason = GPT_REASON_FSDAX_LONGTERM,
	  .why = "check_vma_flags(): FOLL_LONGTERM && vma_is_fsdax()" },
	  "4.15+ (check_vma_flags() since 5.11)" },
	/*
	 * The surprise: in a private fsdax mapping, pages written before are
	 * COW copies, ordinary anonymous pages.  GUP-fast pins them long-term
	 * without looking at the VMA; the slow path still refuses.
	 */
	{ K(FSDAX_COW), P(PIN) | P(PIN_REMOTE), ANY, L,
	  { .outcome = REFUSED, .err = EOPNOTSUPP, .reason = GPT_REASON_FSDAX_LONGTERM, .why =
	    "check_vma_flags() judges the VMA, not the page" }, "4.15+" },
	{ K(FSDAX_COW), ANY, ANY, L, { .outcome = PINNED, .why =
	  "GUP-fast pins the anonymous COW copy: no VMA check on that path" },
	  "5.2+ (measured on 6.1)" },

	/* Writes to private file mappings and the zero page COW. */
	{ K(FSDAX_PRIVATE) | K(EXT4_PRIVATE) | K(ZERO_PAGE), FAST_ONLY, W, ANY,
	  { .outcome = NOTHING, .reason = GPT_REASON_SHORT, .why =
	    "read-only PTE, no slow path to COW in" }, "all" },
	{ K(FSDAX_PRIVATE) | K(EXT4_PRIVATE) | K(ZERO_PAGE), ANY, W, ANY,
	  { .outcome = PINNED_FRESH, .why = "the write fault COWs: a new anonymous page is pinned" },
	  "all" },
	{ K(ZERO_PAGE), FAST_ONLY, R, ANY, { .outcome = NOTHING, .reason = GPT_REASON_SHORT, .why =
	  "the zero page's PTE is special: GUP-fast leaves it to the slow path" },
	  "all" },

	/* Everything else pins, short- or long-term (6.1 has no
	 * writable_file_mapping_allowed(): 6.5 refuses ext4-shared long-term
	 * writes with EFAULT, never shmem or hugetlb).
	 */
	{ ANY, ANY, ANY, ANY, { .outcome = PINNED }, "6.1 (ext4-shared W+L: < 6.5)" },
};

#define NR_RULES (sizeof(rules) / sizeof(rules[0]))

static const struct rule *rule_for(enum gpt_mem_kind kind, uint32_t path,
				   unsigned int rw, unsigned int term)
{
	for (size_t i = 0; i < NR_RULES; i++) {
		const struct rule *r = &rules[i];

		if ((!r->kinds || (r->kinds & (1U << kind))) &&
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
	struct gpt_pin req = { 0 };
	struct gpt_cell_result r;
	struct tap_point t;

	req.path = path;
	req.flags = (rw == W ? GPT_FLAG_WRITE : 0) |
		    (term == L ? GPT_FLAG_LONGTERM : 0);
	tap_begin(&t);
	gpt_cell_run(s->fd, &s->dirs, kind, NPAGES, &req, true, &r);
	expect_check(&t, &rule->e, kind, &r, 1);
	tap_end(&t, "matrix %s %s %s %s: %s [rule %zu]", gpt_kind_name(kind),
		p ? p->name : "?", rw == W ? "write" : "read",
		term == L ? "long-term" : "short-term",
		expect_describe(&rule->e, kind, path, NPAGES),
		(size_t)(rule - rules) + 1);
}

void test_matrix(struct suite *s)
{
	tap_diag("matrix rules, first match wins:");
	for (size_t i = 0; i < NR_RULES; i++)
		tap_diag("  rule %zu: %s%s%s [%s]", i + 1,
			 expect_describe(&rules[i].e, GPT_MEM_ANON, GPT_PATH_PIN, NPAGES),
			 rules[i].e.why ? ": " : "",
			 rules[i].e.why ? rules[i].e.why : "", rules[i].kernels);

	for (int kind = 0; kind < MATRIX_KINDS; kind++)
		for (uint32_t path = 1; path < GPT_PATH_END; path++)
			for (unsigned int term = S; term <= L; term++)
				for (unsigned int rw = R; rw <= W; rw++)
					matrix_cell(s, kind, path, rw, term);
}
