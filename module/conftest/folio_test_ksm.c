// SPDX-License-Identifier: GPL-2.0
/* GPT_HAVE_FOLIO_TEST_KSM: folio_test_ksm() (PageKsm() before it). */
#include <linux/mm.h>

bool gpt_probe(struct folio *folio);
bool gpt_probe(struct folio *folio)
{
	return folio_test_ksm(folio);
}
