/**
 * Search in Chinese over the real content (issue 2): multi-character terms must find the right
 * documents through Pagefind's CJK segmentation, filters narrow the results, and without JavaScript
 * the page explains itself and points to the lists.
 */
import { test, expect, type Page } from '@playwright/test';

async function search(page: Page, query: string) {
  await page.goto('/search/');
  await page.getByLabel('关键词').fill(query);
  await page.getByRole('button', { name: '搜索' }).click();
  await expect(page.locator('#search-status')).toContainText(/找到 \d+ 条结果|没有找到/);
  return page.locator('#search-results > li');
}

// Each term and the document it must find, identified by its issuing body as the result shows it.
const cases = [
  { term: '特例单议', expected: /吉林省医疗保障局/, what: 'the Jilin notice' },
  { term: '月告知', expected: /泰州市医疗保障局/, what: 'the Taizhou notice' },
  { term: '起付线', expected: /四川省医疗保障局/, what: 'the Sichuan reply' },
  { term: '歧义组', expected: /济源/, what: 'the Jiyuan notice' },
];

for (const { term, expected, what } of cases) {
  test(`"${term}" finds ${what}`, async ({ page }) => {
    const results = await search(page, term);
    await expect(results.first()).toBeVisible();
    await expect(results.filter({ hasText: expected }).first()).toBeVisible();
    // The snippet highlights the matched words.
    await expect(results.filter({ hasText: expected }).first().locator('mark').first()).toBeVisible();
    // The result links to a real page that contains the term.
    const link = results.filter({ hasText: expected }).first().getByRole('link');
    await link.click();
    await expect(page.locator('main')).toContainText(term);
  });
}

/** The number of results the page announces ("找到 N 条结果"); results themselves arrive one by one. */
async function announcedCount(page: Page): Promise<number> {
  const status = page.locator('#search-status');
  await expect(status).toContainText(/找到 \d+ 条结果/);
  return Number(/找到 (\d+) 条结果/.exec((await status.textContent()) ?? '')![1]);
}

test('the content-type filter narrows results and is kept in the address', async ({ page }) => {
  await search(page, '特例单议');
  const before = await announcedCount(page);
  await page.getByLabel('内容类型').selectOption('政策文件');
  await expect(page).toHaveURL(/type=%E6%94%BF%E7%AD%96%E6%96%87%E4%BB%B6/);
  const filtered = page.locator('#search-results > li');
  await expect(filtered.first()).toContainText('政策文件');
  const after = await announcedCount(page);
  expect(after).toBeGreaterThan(0);
  expect(after).toBeLessThanOrEqual(before);
  await expect(filtered).toHaveCount(Math.min(after, 10)); // the first page shows up to 10
  for (const text of await filtered.locator('.item-meta').allTextContents()) expect(text).toContain('政策文件');
  // Reloading the address gives the same filtered search.
  await page.reload();
  await expect(page.getByLabel('内容类型')).toHaveValue('政策文件');
  await expect(page.locator('#search-results > li').first()).toContainText('政策文件');
});

test('typing then pressing Enter at once lists each result once', async ({ page }) => {
  await page.goto('/search/');
  // fill() fires the as-you-type search (300 ms later); Enter follows immediately, as a quick typist does.
  await page.getByLabel('关键词').fill('医保');
  await page.getByLabel('关键词').press('Enter');
  const count = await announcedCount(page);
  const results = page.locator('#search-results > li');
  await expect(results).toHaveCount(Math.min(count, 10));
  await page.waitForTimeout(800); // past the debounce: a second listing would have started by now
  await expect(results).toHaveCount(Math.min(count, 10));
  const hrefs = await results.locator('h2 a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
  expect(new Set(hrefs).size).toBe(hrefs.length);
});

test('a query with no match says so', async ({ page }) => {
  const results = await search(page, 'zqxjvkw');
  await expect(page.locator('#search-status')).toContainText('没有找到');
  await expect(results).toHaveCount(0);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });
  test('the search page explains that search needs JavaScript and links to the lists', async ({ page }) => {
    await page.goto('/search/');
    await expect(page.getByText('搜索需要浏览器启用 JavaScript')).toBeVisible();
    await expect(page.locator('#search-form')).toBeHidden();
    await page.getByRole('main').getByRole('link', { name: '意见答复', exact: true }).click();
    await expect(page).toHaveURL(/\/replies\/$/);
  });
});
