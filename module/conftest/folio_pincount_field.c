// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_FOLIO_PINCOUNT_FIELD: struct folio has _pincount (6.1 has both
 * it and folio_pincount_ptr(); from 6.2 it is the only way).
 */
#include <linux/mm.h>

int gpt_probe(struct folio *folio);
int gpt_probe(struct folio *folio)
{
	return atomic_read(&folio->_pincount);
}
