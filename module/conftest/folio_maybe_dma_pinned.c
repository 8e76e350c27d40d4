// SPDX-License-Identifier: GPL-2.0
/* GPT_HAVE_FOLIO_MAYBE_DMA_PINNED: folio_maybe_dma_pinned() (5.18). */
#include <linux/mm.h>

bool gpt_probe(struct folio *folio);
bool gpt_probe(struct folio *folio)
{
	return folio_maybe_dma_pinned(folio);
}
