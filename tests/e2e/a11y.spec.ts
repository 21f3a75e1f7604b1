/**
 * Accessibility (issue 2: WCAG 2.1 AA, keyboard-only use): axe over every page in the sitemap plus the
 * 404 and search pages, and the keyboard path through the skip link and the main navigation.
 */
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

test('axe finds no WCAG 2.1 AA violation on any page of the sitemap, the 404 and search pages', async ({ page, request }) => {
  test.setTimeout(600_000);
  const xml = await (await request.get('/sitemap-0.xml')).text();
  const paths = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
  expect(paths).toContain('/');
  const all = [...new Set([...paths, '/404', '/search/'])];
  const failures: string[] = [];
  for (const path of all) {
    await page.goto(path);
    const { violations } = await new AxeBuilder({ page }).withTags(tags).analyze();
    for (const v of violations) failures.push(`${path}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  }
  expect(failures, failures.join('\n')).toEqual([]);
});

test('axe is clean on search results and in 大字版', async ({ page }) => {
  await page.goto('/search/?q=' + encodeURIComponent('医保'));
  await expect(page.locator('#search-status')).toContainText(/找到|没有找到/);
  expect((await new AxeBuilder({ page }).withTags(tags).analyze()).violations).toEqual([]);
  await page.goto('/about/');
  await page.getByLabel('大字版').check();
  expect((await new AxeBuilder({ page }).withTags(tags).analyze()).violations).toEqual([]);
});

test('keyboard: the first Tab reaches the skip link, which moves focus to the content; Tab reaches the main navigation', async ({ page }) => {
  await page.goto('/policies/');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: '跳到正文' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
  await expect(page.locator('#main')).toBeFocused();
  // From the content, the next Tab goes to the first link inside it, not back to the header.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.closest('main') !== null)).toBe(true);

  await page.goto('/');
  const navLink = page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '政策文件' });
  let reached = false;
  for (let i = 0; i < 15 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await navLink.evaluate((el) => el === document.activeElement);
  }
  expect(reached, 'Tab reaches the main navigation').toBe(true);
  // Focus is visible: an outline or a shadow is drawn around the focused link.
  const ring = await navLink.evaluate((el) => { const s = getComputedStyle(el); return s.outlineStyle !== 'none' || s.boxShadow !== 'none'; });
  expect(ring).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/policies\/$/);
});
