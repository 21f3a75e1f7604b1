/**
 * The no-JavaScript path: /submit served by the built server, posted form-encoded like a browser without
 * scripts. Errors come back as a re-rendered form (error summary linking to each field, the same message at the
 * field, every value kept); a valid post shows the receipt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formToken, postForm, startServer, type RunningServer } from './support.ts';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ SUBMIT_RATE_LIMIT: 'off', SUBMIT_MIN_FILL_SECONDS: '2' });
});
afterAll(() => server?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fields = {
  organization: '济源市人民医院',
  unit: '医保办',
  submitterName: '张三',
  contact: '0391-6637366',
  submitterType: 'hospital',
  category: 'grouping',
  title: '关于 FM1 入组规则的建议',
  details: '部分经皮冠状动脉支架植入病例进入歧义组，建议完善入组规则。',
  publicConsent: 'true',
  drgCode: 'FM19',
  'cases.0.mainDiagnosis.name': '急性心肌梗死',
  'cases.0.mainDiagnosis.code': 'I21.000',
  'cases.0.patients': '12',
};

describe('/submit without JavaScript', () => {
  it('serves a plain, labelled form with a signed start time and an idempotency key', async () => {
    const res = await fetch(`${server.url}/submit`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toMatch(/<form method="post" action="\/submit"/);
    for (const label of ['单位名称', '填报人', '联系方式', '所在单位/科室', '提交人类型', '问题分类', '主要意见及建议', '具体问题和建议'])
      expect(html).toContain(label);
    // Each category has its one-line explanation.
    expect(html).toContain('总额预算、基准点数、调整系数');
    expect(html).toMatch(/<label[^>]*for="f-organization"/);
  });

  it('re-renders errors: summary first with links, same words at the field, every value kept', async () => {
    const { token } = await formToken(server.url);
    await sleep(2100);
    const res = await postForm(server.url, { formToken: token, ...fields, contact: 'abc', title: '', 'cases.0.mainDiagnosis.code': '36.0601', organization: '"><script>alert(1)</script>' });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<title>错误：提交意见建议');
    const summary = html.slice(html.indexOf('id="error-summary"'), html.indexOf('</ul>', html.indexOf('id="error-summary"')));
    expect(summary).toContain('<a href="#f-contact">联系方式应为手机号码（如 13800138000）、座机号码（如 0391-6637366）或电子邮箱</a>');
    expect(summary).toContain('<a href="#f-title">输入主要意见及建议</a>');
    expect(summary).toContain('<a href="#f-cases-0-mainDiagnosis-code">主要诊断编码格式不对');
    expect(html).toContain('id="f-contact-error"><span class="visually-hidden">错误：</span>联系方式应为手机号码');
    expect(html).toMatch(/id="f-contact"[^>]*aria-describedby="f-contact-hint f-contact-error"/);
    // Values kept, escaped: the hostile one cannot break out of its attribute.
    expect(html).toContain('value="0391-6637366"'.replace('0391-6637366', 'abc'));
    expect(html).toContain('value="12"');
    expect(html).toMatch(/id="f-submitterType-hospital"[^>]*checked/);
    expect(html).toMatch(/id="f-publicConsent-true"[^>]*checked/);
    expect(html).not.toContain('"><script>alert(1)</script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'.replace('&gt;&lt;script&gt;alert(1)&lt;/script&gt;', ''));
    expect((await server.localIssues())).toHaveLength(0);
  });

  it('stops a post faster than the minimum fill time, then accepts the resubmission at once', async () => {
    const { token } = await formToken(server.url);
    const res = await postForm(server.url, { formToken: token, idempotencyKey: 'form-fast-key-01', ...fields });
    const html = await res.text();
    expect(html).toContain('提交得太快了');
    expect(html).toContain('value="济源市人民医院"');
    const again = /name="formToken" value="([^"]+)"/.exec(html)![1];
    const ok = await postForm(server.url, { formToken: again, idempotencyKey: 'form-fast-key-01', ...fields });
    expect(await ok.text()).toContain('已收到您的意见');
  });

  it('refuses a form post without the page’s token, keeping the values', async () => {
    const html = await (await postForm(server.url, { ...fields })).text();
    expect(html).toContain('请在本网站的提交页面填写表单后提交');
    expect(html).toContain('value="关于 FM1 入组规则的建议"');
  });

  it('adds a case row without JavaScript, keeping everything typed and showing no errors', async () => {
    const { token } = await formToken(server.url);
    const html = await (await postForm(server.url, { formToken: token, ...fields, action: 'add-case' })).text();
    expect(html).toContain('病案举例 2');
    expect(html).toContain('name="cases.1.mainDiagnosis.name"');
    expect(html).toContain('value="急性心肌梗死"');
    expect(html).not.toContain('id="error-summary"');
  });

  it('shows the receipt for a valid post: code, office, due date; a repeat shows the same receipt', async () => {
    const { token, key } = await formToken(server.url);
    await sleep(2100);
    const res = await postForm(server.url, { formToken: token, idempotencyKey: key, ...fields });
    expect(res.status).toBe(200);
    const html = await res.text();
    const code = /id="tracking-code">([^<]+)</.exec(html)?.[1];
    expect(code).toMatch(/^JY-\d{4}-[0-9A-Z]{6}$/);
    expect(html).toContain('医保行政部门');
    expect(html).toMatch(/答复期限<\/dt><dd>\d{4}年\d{1,2}月\d{1,2}日前（收到后 20 个工作日内）/);
    expect(html).toContain(`href="/track?code=${code}"`);
    const repeat = await (await postForm(server.url, { formToken: token, idempotencyKey: key, ...fields })).text();
    expect(repeat).toContain(`id="tracking-code">${code}<`);
    expect(repeat).toContain('此前已收到同一份提交');
    expect((await server.localIssues()).filter((i) => i.body.includes(code!))).toHaveLength(1);
  });

  it('a submitted page changed and posted again: 422 explains, keeps the values, and hands out a new key', async () => {
    const { token, key } = await formToken(server.url);
    await sleep(2100);
    expect(await (await postForm(server.url, { formToken: token, idempotencyKey: key, ...fields })).text()).toContain('已收到您的意见');
    const before = (await server.localIssues()).length;
    // The browser's Back button brings the old page back, same token and key; the person edits the title.
    const changed = await postForm(server.url, { formToken: token, idempotencyKey: key, ...fields, title: '关于 FM1 入组规则的补充建议' });
    expect(changed.status).toBe(422);
    const html = await changed.text();
    expect(html).toContain('<title>错误：提交意见建议');
    expect(html).toContain('修改后的内容没有登记');
    expect(html).toContain('value="关于 FM1 入组规则的补充建议"');
    const newKey = /name="idempotencyKey" value="([^"]+)"/.exec(html)![1];
    expect(newKey).not.toBe(key);
    const newToken = /name="formToken" value="([^"]+)"/.exec(html)![1];
    const sent = await (await postForm(server.url, { formToken: newToken, idempotencyKey: newKey, ...fields, title: '关于 FM1 入组规则的补充建议' })).text();
    expect(sent).toContain('已收到您的意见');
    expect(sent).not.toContain('此前已收到同一份提交');
    expect((await server.localIssues()).length).toBe(before + 1);
  });

  it('429 re-renders the form with the message and the values', async () => {
    const limited = await startServer({ SUBMIT_RATE_LIMIT: '1/60' });
    try {
      const { token } = await formToken(limited.url);
      await postForm(limited.url, { formToken: token, ...fields, title: '' });
      const res = await postForm(limited.url, { formToken: token, ...fields });
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      const html = await res.text();
      expect(html).toContain('提交过于频繁');
      expect(html).toContain('value="济源市人民医院"');
    } finally {
      await limited.stop();
    }
  });

  it('403 for a cross-site form post', async () => {
    const { token } = await formToken(server.url);
    const res = await postForm(server.url, { formToken: token, ...fields }, '/submit', { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });

  it('pre-fills an objection to a published announcement and records what it objects to', async () => {
    const page = await (await fetch(`${server.url}/submit?objection=announcements/2026-10-monthly`)).text();
    expect(page).toContain('您正在对公告《2026年10月DRG付费月告知》提出异议申诉');
    expect(page).toContain('name="objection" value="announcements/2026-10-monthly"');
    expect(page).toContain('value="对《2026年10月DRG付费月告知》的异议申诉"');
    const token = /name="formToken" value="([^"]+)"/.exec(page)![1];
    await sleep(2100);
    const html = await (await postForm(server.url, { formToken: token, ...fields, category: 'core-elements', objection: 'announcements/2026-10-monthly', title: '对《2026年10月DRG付费月告知》的异议申诉' })).text();
    const code = /id="tracking-code">([^<]+)</.exec(html)![1];
    const issue = (await server.localIssues()).find((i) => i.body.includes(code))!;
    expect(issue.body).toContain('### 异议对象\n\n对公告《2026年10月DRG付费月告知》的异议申诉（`announcements/2026-10-monthly`）');
    // Not for an announcement that is not published yet.
    expect(await (await fetch(`${server.url}/submit?objection=announcements/2099-future`)).text()).not.toContain('name="objection"');
  });

  it('ignores an objection link to an unknown announcement', async () => {
    const res = await fetch(`${server.url}/submit?objection=announcements/does-not-exist`);
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain('name="objection"');
  });
});
