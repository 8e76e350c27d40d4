// SPDX-License-Identifier: GPL-2.0
/* GPT_HAVE_IS_ZERO_PAGE: is_zero_page() (not in 5.10; in 6.1). */
#include <linux/mm.h>

bool gpt_probe(struct page *page);
bool gpt_probe(struct page *page)
{
	return is_zero_page(page);
}
