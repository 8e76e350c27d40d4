// SPDX-License-Identifier: GPL-2.0
/* GPT_HAVE_KMAP_LOCAL_PAGE: kmap_local_page() (5.11; kmap_atomic() before). */
#include <linux/highmem.h>

void *gpt_probe(struct page *page);
void *gpt_probe(struct page *page)
{
	void *addr = kmap_local_page(page);

	kunmap_local(addr);
	return addr;
}
