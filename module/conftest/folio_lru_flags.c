// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_FOLIO_LRU_FLAGS: the folio flag tests and lock the module reads
 * pages with (5.16 with the folios themselves; page-based before).
 */
#include <linux/mm.h>
#include <linux/pagemap.h>

int gpt_probe(struct folio *folio);
int gpt_probe(struct folio *folio)
{
	folio_lock(folio);
	folio_unlock(folio);
	return folio_test_lru(folio) + folio_test_active(folio) +
	       folio_test_referenced(folio) + folio_test_dirty(folio) +
	       folio_test_hugetlb(folio) + folio_test_anon(folio) +
	       folio_zonenum(folio);
}
