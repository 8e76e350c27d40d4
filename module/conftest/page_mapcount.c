// SPDX-License-Identifier: GPL-2.0
/* GPT_HAVE_PAGE_MAPCOUNT: page_mapcount() (gone by 6.12; folio_mapcount()). */
#include <linux/mm.h>

int gpt_probe(struct page *page);
int gpt_probe(struct page *page)
{
	return page_mapcount(page);
}
