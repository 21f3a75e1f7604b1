/**
 * The whole publishing loop on the local tracker, as a bureau runs it offline (issue 5):
 * a hospital submits through the real API of the built server → the server triages it in-process →
 * staff answer with `npm run staff` (/outcome, /reply) → `npm run replies` regenerates the reply into a
 * TEMP COPY of content/ → the site is rebuilt into a temp folder and served → Pagefind search finds the
 * reply, and no file of the built site contains the submitter's name, phone, e-mail or (without
 * consent) unit. Never writes into the real content/ folder.
 */
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { openStore } from '../../scripts/lib/store/store.ts';
import { createLocalTracker } from '../../scripts/lib/tracker/local.ts';
import { flags, officeLabel, outcomeLabel } from '../../scripts/lib/labels.ts';

const node = resolve('node_modules/.bin/node');
const port = Number(process.env.E2E_PORT ?? 4329) + 1;

/** Every file under a folder, recursively. */
function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile());
}

/** The entries of a zip file (e.g. an .xlsx download), inflated, via its central directory. */
function unzipEntries(zip: Buffer): Buffer[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const out: Buffer[] = [];
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = zip.readUInt16LE(eocd + 10); i > 0; i--) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const local = zip.readUInt32LE(at + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    out.push(method === 8 ? inflateRawSync(data) : data);
    at += 46 + zip.readUInt16LE(at + 28) + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return out;
}

/** What a file says as text: gzip (Pagefind) and zip (.xlsx) unpacked, Pagefind's zero-width spaces removed. */
function readable(file: string): string {
  const bytes = readFileSync(file);
  const parts: Buffer[] = [bytes];
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) parts.push(gunzipSync(bytes));
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) parts.push(...unzipEntries(bytes));
  return parts.map((b) => b.toString('utf8')).join('\n').replace(/\u200b/g, '');
}

async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test.describe.configure({ mode: 'serial' });

test('submit, triage, reply, regenerate, rebuild and find the reply by search, with no personal data in the site', async ({ request, page, baseURL }) => {
  test.setTimeout(900_000);
  const dataDir = process.env.E2E_DATA_DIR;
  expect(dataDir, 'playwright.config.ts sets E2E_DATA_DIR for the web server').toBeTruthy();
  const person = { name: '甄士隐', phone: '13987654321', email: 'zhen.shiyin@jy-hospital.cn', unit: '济源市葫芦庙医院' };
  const term = '载药球囊';

  // 1. Submit through the public API of the built server.
  const res = await request.post('/api/submissions', {
    headers: { origin: baseURL!, 'idempotency-key': `loop-${Date.now()}` },
    data: {
      organization: person.unit,
      submitterName: person.name,
      contact: person.phone,
      unit: '医保办',
      submitterType: 'hospital',
      category: 'grouping',
      title: `关于${term}扩张术入组FM19的建议`,
      details: `我院${term}扩张术病例入组FM19后支付标准偏低，建议细化分组。如需核实请联系填报人${person.name}，电话${person.phone}，邮箱${person.email}。`,
      publicConsent: false,
    },
  });
  expect([201, 202], await res.text()).toContain(res.status());
  const { trackingCode } = (await res.json()) as { trackingCode: string };
  expect(trackingCode).toMatch(/^[A-Z]{2,4}-\d{4}-[0-9A-Z]+$/);

  // 2. The issue is in the local tracker and triaged (office label).
  const tracker = createLocalTracker({ store: openStore(join(dataDir!, 'store.sqlite')), actor: 'staff' });
  const issue = await waitFor('the triaged issue', async () => {
    const found = await tracker.findIssueByMarker(trackingCode);
    return found && found.labels.some((l) => l === officeLabel('admin') || l === officeLabel('agency')) ? found : null;
  });
  // No personal data reaches the tracker, not even sealed: the name and contact (which the submitter also typed
  // into the free text) stay on the server, sealed for staff (issue 12).
  for (const value of [person.name, person.phone, person.email]) expect(issue.body).not.toContain(value);
  expect(issue.body).not.toMatch(/sealed1\./);

  // 3. Staff answer with the offline command (posts as a write-permission local user, runs the command).
  const answer = `经研究，${term}扩张术病例将在本地细分组方案修订时单独测算，依据泰医保函〔2024〕65号的反馈机制办理。`;
  const staff = (command: string) =>
    execFileSync('npm', ['run', '--silent', 'staff', '--', '--issue', String(issue.number), command], { env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8' });
  staff('/outcome 采纳');
  staff(`/reply ${answer}`);
  const answered = await tracker.getIssue(issue.number);
  expect(answered!.labels).toEqual(expect.arrayContaining([flags.replied, outcomeLabel('adopted')]));

  // 4. Regenerate replies into a temp copy of content/, twice: the second run changes nothing.
  const work = mkdtempSync(join(tmpdir(), 'loop-'));
  const content = join(work, 'content');
  cpSync('content', content, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, CONTENT_DIR: content, PUBLISH_MODE: 'files' };
  delete env.GITHUB_TOKEN;
  execFileSync(node, ['scripts/publish-replies.ts'], { env, encoding: 'utf8' });
  const file = join(content, 'replies', `${trackingCode.toLowerCase()}.md`);
  expect(existsSync(file)).toBe(true);
  const first = readFileSync(file);
  const again = execFileSync(node, ['scripts/publish-replies.ts'], { env, encoding: 'utf8' });
  expect(again).toContain('0 个文件需写入');
  expect(readFileSync(file).equals(first)).toBe(true);

  // The quarter's summary over the same tracker, so the rebuilt site has a summary page with charts.
  const now = new Date(Date.now() + 8 * 3600_000);
  const quarter = `${now.getUTCFullYear()}Q${Math.ceil((now.getUTCMonth() + 1) / 3)}`;
  // Other browser tests submit to the same server meanwhile, so the count is bracketed by the tracker's
  // opinions just before and just after the run (all were received today, in this quarter).
  const opinions = async () => (await tracker.listIssues({ state: 'all' })).filter((i) => i.labels.includes(flags.opinion)).length;
  const atLeast = await opinions();
  execFileSync(node, ['scripts/summary.ts', '--quarter', quarter], { env, encoding: 'utf8' });
  const atMost = await opinions();
  const summaryId = quarter.toLowerCase().replace('q', '-q');
  const summaryText = readFileSync(join(content, 'summaries', `${summaryId}.md`), 'utf8');
  const received = Number(/^received: (\d+)$/m.exec(summaryText)?.[1]);
  expect(received).toBeGreaterThanOrEqual(atLeast);
  expect(received).toBeLessThanOrEqual(atMost);
  expect(Number(/^answered: (\d+)$/m.exec(summaryText)?.[1])).toBeGreaterThanOrEqual(1); // ours, at least

  // 5. Rebuild the site from the temp content into a temp folder, and serve it. The folder sits in the
  // repository (dist-* is git-ignored) because the built server resolves its packages from node_modules.
  const out = resolve(`dist-loop-${process.pid}`);
  test.info().attachments.push({ name: 'out', contentType: 'text/plain', body: Buffer.from(out) });
  execFileSync('npm', ['run', '--silent', 'build'], { env: { ...env, ASTRO_OUT_DIR: out, ASTRO_CACHE_DIR: join(work, 'cache') }, encoding: 'utf8', stdio: 'pipe' });
  let server: ChildProcess | undefined;
  try {
    server = spawn(node, ['scripts/serve.ts'], { env: { ...env, ASTRO_OUT_DIR: out, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: join(work, 'data') }, stdio: 'ignore' });
    const site = `http://127.0.0.1:${port}`;
    await waitFor('the rebuilt server', async () => (await fetch(`${site}/api/health`).catch(() => null))?.ok);

    // 6. Search finds the reply; the reply page shows the answer and links back to the cited policy.
    await page.goto(`${site}/search/?q=${encodeURIComponent(term)}`);
    await expect(page.locator('#search-status')).toContainText(/找到 \d+ 条结果/);
    const hit = page.locator('#search-results > li').filter({ has: page.locator(`a[href*="/replies/${trackingCode.toLowerCase()}"]`) });
    await expect(hit.first()).toBeVisible();
    await hit.first().getByRole('link').first().click();
    await expect(page).toHaveURL(new RegExp(`/replies/${trackingCode.toLowerCase()}/?$`));
    await expect(page.locator('main')).toContainText(answer);
    await expect(page.locator('main')).toContainText('【已隐去姓名】');

    // 7. The summary page: figures, static SVG charts each with a data table, downloads; no axe violations.
    await page.goto(`${site}/summaries/${summaryId}/`);
    await expect(page.locator('h1')).toContainText('意见收集反馈情况汇总');
    await expect(page.locator('figure.chart svg[role="img"]').first()).toBeVisible();
    expect(await page.locator('figure.chart').count()).toBeGreaterThanOrEqual(5);
    await expect(page.locator('table caption', { hasText: '按问题分类' })).toBeVisible();
    expect((await request.get(`${site}/summaries/downloads/${summaryId}.xlsx`)).status()).toBe(200);
    const axe = (await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()).violations;
    expect(axe.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await page.goto(`${site}/calendar/`);
    await expect(page.locator('h1')).toHaveText('公告日历');
    const axeCalendar = (await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()).violations;
    expect(axeCalendar.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  } finally {
    server?.kill();
  }

  // 8. No file of the built site (static pages, search index, server bundle) holds the personal data.
  // Pagefind's index and fragments are gzip-compressed: look inside them too.
  const leaks: string[] = [];
  const files = allFiles(out);
  for (const f of files) {
    const text = readable(f);
    for (const secret of [person.name, person.phone, person.email, person.unit]) if (text.includes(secret)) leaks.push(`${f}: ${secret}`);
  }
  expect(files.length).toBeGreaterThan(50);
  // The check can see inside the search index: the answer's own words are found there.
  expect(files.filter((f) => f.includes('pagefind') && readable(f).includes(term)).length).toBeGreaterThan(0);
  expect(leaks).toEqual([]);
  rmSync(out, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});
