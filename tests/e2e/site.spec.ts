/**
 * Browsing the public site in Chromium (issue 2). The main suite runs against the real build of the
 * real content/ (playwright.config.ts webServer). The "fixture build" suite builds the same site over
 * tests/fixtures/site-content (announcements with inline and CSV tables, a future-dated one, replies
 * with and without consent to name the unit) and serves it with the same server, so those behaviours
 * are checked whatever content/ holds.
 */
import { test, expect, type Page } from '@playwright/test';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const bureau = JSON.parse(readFileSync('content/settings/bureau.json', 'utf8'));

/** Paths of every page in the sitemap, whatever host the sitemap names. */
async function sitemapPaths(page: Page): Promise<string[]> {
  const xml = await (await page.request.get('/sitemap-0.xml')).text();
  return [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
}

/** Pages other helpers own, which may carry their own scripts (form enhancement, charts). */
const othersPages = /^\/(submit|track|api|summaries|calendar)\b/;

test('home → policies → a policy with a working table of contents', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('意见收集反馈');
  // The four categories with the office that handles each, from bureau.json routing.
  const cards = page.locator('#categories ~ ul.cards > li');
  await expect(cards).toHaveCount(4);
  await expect(cards.filter({ hasText: '分组技术类' })).toContainText(bureau.routing.grouping === 'admin' ? '医保行政部门' : '医保经办机构');
  await expect(cards.filter({ hasText: '核心要素类' })).toContainText(bureau.routing['core-elements'] === 'admin' ? '医保行政部门' : '医保经办机构');

  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '政策文件' }).click();
  await expect(page).toHaveURL(/\/policies\/$/);
  const links = page.locator('main ul.items h2 a');
  const count = await links.count();
  expect(count).toBeGreaterThan(0);
  // Open policies until one has a table of contents (every imported notice has numbered sections).
  let found = false;
  for (let i = 0; i < count && !found; i++) {
    await page.goto('/policies/');
    await links.nth(i).click();
    await expect(page.locator('dl.meta')).toContainText('发文机关');
    found = (await page.locator('nav.toc').count()) > 0;
  }
  expect(found, 'some policy page has a table of contents').toBe(true);
  const toc = page.locator('nav.toc a');
  const target = toc.nth(1);
  const href = await target.getAttribute('href');
  expect(href).toMatch(/^#.+/);
  await target.click();
  await expect(page).toHaveURL(new RegExp(`${encodeURI(href!).replace(/[()]/g, '\\$&')}$`));
  const heading = page.locator(`[id="${decodeURIComponent(href!.slice(1))}"]`);
  await expect(heading).toHaveCount(1);
  await expect(heading).toHaveText((await target.textContent())!.trim());
  await expect(heading).toBeInViewport();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('reply list filters by category, outcome and year through plain links', async ({ page }) => {
    await page.goto('/replies/');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('意见答复');
    const filters = page.getByRole('navigation', { name: '筛选' });
    for (const group of ['问题分类', '办理结果', '答复年份']) {
      const options = filters.getByRole('list', { name: `按${group}` }).getByRole('listitem');
      // Pick the first value that has replies.
      const texts = await options.allTextContents();
      const index = texts.findIndex((t) => !/（0）/.test(t));
      expect(index, `some ${group} has replies`).toBeGreaterThanOrEqual(0);
      const link = options.nth(index).getByRole('link');
      const label = (await link.textContent())!.trim();
      const expected = Number(/（(\d+)）/.exec(texts[index])![1]);
      await link.click();
      await expect(page).toHaveURL(/\/replies\/(category|outcome|year)\/[\w-]+\/$/);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(`意见答复：${label}`);
      await expect(filters.getByRole('link', { name: label, exact: true })).toHaveAttribute('aria-current', 'page');
      const items = page.locator('main ul.items > li');
      await expect(items).toHaveCount(Math.min(expected, 50));
      for (const meta of await items.locator('.item-meta').allTextContents()) expect(meta).toContain(label.replace(/年$/, ''));
      await page.goto('/replies/');
    }
  });

  test('a reply page shows the question, answer, outcome, office and dates', async ({ page }) => {
    await page.goto('/replies/');
    await page.locator('main ul.items h2 a').first().click();
    const meta = page.locator('dl.meta');
    for (const label of ['办理结果', '问题分类', '承办部门', '收到日期', '答复日期']) await expect(meta).toContainText(label);
    await expect(page.getByRole('heading', { name: '意见建议', exact: true })).toBeVisible();
    await expect(page.getByRole('heading', { name: '答复', exact: true })).toBeVisible();
  });
});

test('announcements list, about page with the bureau’s limits and contact', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '公告', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('公告');
  await expect(page.getByRole('navigation', { name: '筛选' }).getByRole('list', { name: '按公告类型' })).toContainText('月告知');

  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '工作机制' }).click();
  await expect(page).toHaveURL(/\/about\/$/);
  const table = page.getByRole('table', { name: /答复时限/ });
  await expect(table.getByRole('row', { name: /分组技术类/ })).toContainText(`${bureau.replyDays.grouping} 个工作日`);
  await expect(table.getByRole('row', { name: /其他/ })).toContainText(`${bureau.replyDays.other} 个工作日`);
  await expect(page.locator('main')).toContainText(bureau.upwardAuthority);
  await expect(page.locator('main')).toContainText(bureau.contact.phone);
  await expect(page.getByRole('main').getByRole('link', { name: bureau.contact.email }).first()).toHaveAttribute('href', `mailto:${bureau.contact.email}`);
});

test('an unknown address answers 404 with a helpful page', async ({ page }) => {
  const response = await page.goto('/no-such-page/');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面不存在');
  await expect(page.getByRole('main').getByRole('link', { name: '首页' })).toBeVisible();
});

test('RSS feeds are well-formed XML with items that link to pages', async ({ page, request }) => {
  for (const feed of ['/rss.xml', '/replies/rss.xml', '/announcements/rss.xml']) {
    const res = await request.get(feed);
    expect(res.status()).toBe(200);
    const xml = await res.text();
    await page.goto('/');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      return {
        error: doc.getElementsByTagName('parsererror').length > 0,
        title: doc.querySelector('channel > title')?.textContent,
        links: [...doc.querySelectorAll('item > link')].map((l) => l.textContent ?? ''),
      };
    }, xml);
    expect(parsed.error, `${feed} parses`).toBe(false);
    expect(parsed.title).toContain(bureau.shortName);
    if (feed !== '/announcements/rss.xml') expect(parsed.links.length, `${feed} has items`).toBeGreaterThan(0);
    for (const link of parsed.links.slice(0, 3)) expect((await request.get(new URL(link).pathname)).status()).toBe(200);
  }
});

test('content pages carry no JavaScript and download no web fonts', async ({ page, request }) => {
  const paths = (await sitemapPaths(page)).filter((p) => !othersPages.test(p));
  expect(paths.length).toBeGreaterThan(5);
  for (const path of paths) {
    const html = await (await request.get(path)).text();
    if (path === '/search/') continue;
    expect(html, `${path} has no <script>`).not.toMatch(/<script\b/i);
    expect(html, `${path} loads no web font`).not.toMatch(/@font-face|\.woff2?\b|fonts\.googleapis/i);
  }
  const fonts: string[] = [];
  page.on('request', (r) => { if (r.resourceType() === 'font') fonts.push(r.url()); });
  for (const path of ['/', '/policies/', '/replies/', '/about/']) await page.goto(path);
  expect(fonts).toEqual([]);
});

test('on a 360 px phone nothing scrolls sideways', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  const paths = ['/', '/policies/', '/replies/', '/announcements/', '/about/', '/search/', '/no-such-page/'];
  await page.goto('/policies/');
  const policy = await page.locator('main ul.items h2 a').first().getAttribute('href');
  await page.goto('/replies/');
  const reply = await page.locator('main ul.items h2 a').first().getAttribute('href');
  for (const path of [...paths, policy!, reply!]) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${path} fits 360 px`).toBeLessThanOrEqual(0);
  }
});

test('大字版 enlarges the text without JavaScript', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${baseURL}/about/`);
  const size = () => page.locator('main p').first().evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  const before = await size();
  await page.getByLabel('大字版').check();
  expect(await size()).toBeGreaterThan(before * 1.2);
  await context.close();
});

test.describe('fixture build', () => {
  // Builds tests/fixtures/site-content with the real build command and serves it with the real server.
  test.describe.configure({ mode: 'serial', timeout: 300_000 });
  const port = Number(process.env.E2E_PORT ?? 4329) + 5;
  const base = `http://127.0.0.1:${port}`;
  let outDir = '';
  let server: ChildProcess | undefined;

  test.beforeAll(async () => {
    // Inside the repository (dist-*/ is ignored): the prerender step imports packages from node_modules.
    outDir = `${process.env.E2E_OUT_DIR ?? 'dist-e2e'}-fixture`;
    rmSync(outDir, { recursive: true, force: true });
    rmSync(`${outDir}-cache`, { recursive: true, force: true });
    const env = {
      ...process.env,
      CONTENT_DIR: 'tests/fixtures/site-content',
      ASTRO_OUT_DIR: outDir,
      ASTRO_CACHE_DIR: `${outDir}-cache`, // not inside outDir: the build empties outDir after syncing content
      BUILD_DATE: '2026-11-01',
    };
    const run = (cmd: string, args: string[]) => {
      try { execFileSync(cmd, args, { env, stdio: 'pipe', encoding: 'utf8' }); }
      catch (e) { throw new Error(`${cmd} ${args.join(' ')} failed:\n${(e as { stdout?: string }).stdout}\n${(e as { stderr?: string }).stderr}`); }
    };
    run(process.execPath, ['node_modules/astro/bin/astro.mjs', 'build']);
    run(process.execPath, ['scripts/index-search.ts']);
    server = spawn(process.execPath, ['scripts/serve.ts'], {
      env: { ...env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: join(outDir, 'data') },
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i++) {
      try { if ((await fetch(`${base}/api/health`)).ok) return; } catch { /* not up yet */ }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('fixture server did not start');
  });
  test.afterAll(() => {
    server?.kill();
    for (const dir of [outDir, `${outDir}-cache`]) if (dir !== '-cache') rmSync(dir, { recursive: true, force: true });
  });

  test('an announcement shows inline and CSV tables and links to the objection form', async ({ page }) => {
    await page.goto(`${base}/announcements/`);
    await page.getByRole('link', { name: '2026年10月DRG付费月告知' }).click();
    await expect(page.locator('dl.meta')).toContainText('2026年10月');
    const inline = page.getByRole('table', { name: '病组入组情况' });
    await expect(inline.getByRole('row')).toHaveCount(3);
    await expect(inline).toContainText('98.5%');
    const csv = page.getByRole('table', { name: '结算清单上传情况' });
    await expect(csv.getByRole('columnheader')).toHaveText(['医疗机构', '上传率', '备注']);
    await expect(csv.getByRole('row').nth(1)).toContainText('含"日间手术",共3例');
    const objection = page.getByRole('link', { name: '对本公告提出异议申诉' });
    await expect(objection).toHaveAttribute('href', '/submit?objection=announcements/2026-10-monthly');
  });

  test('announcements filter by type and period without JavaScript', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${base}/announcements/`);
    await page.getByRole('list', { name: '按公告类型' }).getByRole('link', { name: '特例单议公告' }).click();
    await expect(page).toHaveURL(/\/announcements\/type\/special-case-review\/$/);
    await expect(page.locator('main ul.items > li')).toHaveCount(1);
    await expect(page.locator('main ul.items')).toContainText('2026年上半年');
    await page.getByRole('list', { name: '按所属年度' }).getByRole('link', { name: '2026年' }).click();
    await expect(page.locator('main ul.items > li')).toHaveCount(2);
    await context.close();
  });

  test('a future-dated announcement appears nowhere until its date', async ({ page, request }) => {
    const title = '尚未到发布日期的测试公告';
    for (const path of ['/', '/announcements/', '/announcements/type/notice/', '/rss.xml', '/announcements/rss.xml', '/sitemap-0.xml']) {
      const body = await (await request.get(`${base}${path}`)).text();
      expect(body, path).not.toContain(title);
      expect(body, path).not.toContain('2099-future');
    }
    expect((await request.get(`${base}/announcements/2099-future/`)).status()).toBe(404);
    await page.goto(`${base}/announcements/type/notice/`);
    await expect(page.locator('main')).toContainText('没有符合条件的公告');
  });

  test('a reply names the unit only with consent and lists codes and cited policies', async ({ page }) => {
    await page.goto(`${base}/replies/named-unit/`);
    await expect(page.locator('dl.meta')).toContainText('测试市第一人民医院');
    const codes = page.getByRole('table');
    await expect(codes.getByRole('row', { name: /FM1/ })).toContainText('经皮冠状动脉支架植入');
    await expect(codes.getByRole('row', { name: /ZZ9/ })).toContainText('编码表中未找到');
    await page.getByRole('link', { name: /吉林省按病组/ }).click();
    await expect(page).toHaveURL(/\/policies\/jilin-2024-14\/$/);
    // The policy lists the reply that cites it, and its attachment text is reproduced.
    await expect(page.getByRole('link', { name: /细分组调整/ })).toBeVisible();
    await expect(page.getByRole('heading', { name: '附件 意见建议表' })).toBeVisible();

    const res = await page.goto(`${base}/replies/unnamed-unit/`);
    expect(await res!.text()).not.toContain('不应公开的测试医院');
    await expect(page.locator('dl.meta')).not.toContainText('提出单位');
  });
});
