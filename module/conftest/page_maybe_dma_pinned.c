// SPDX-License-Identifier: GPL-2.0
/*
 * GPT_HAVE_PAGE_MAYBE_DMA_PINNED: page_maybe_dma_pinned() (5.7; 6.11
 * removed it in favour of folio_maybe_dma_pinned()).
 */
#include <linux/mm.h>

bool gpt_probe(struct page *page);
bool gpt_probe(struct page *page)
{
	return page_maybe_dma_pinned(page);
}
