// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_FOLIO: struct folio and its basic accessors (5.16).  compat.h
 * provides page-based stand-ins on older kernels.
 */
#include <linux/mm.h>

long gpt_probe(struct page *page);
long gpt_probe(struct page *page)
{
	struct folio *folio = page_folio(page);

	return folio_ref_count(folio) + folio_order(folio) +
	       folio_test_large(folio);
}
