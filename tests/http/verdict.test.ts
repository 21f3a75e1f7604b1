/**
 * The verdict on the reply against the built server (issue 14): /track asks 满意 / 基本满意 / 不满意 once the opinion
 * is answered, in a plain form that works without JavaScript; 不满意 reaches the issue as one comment, the label
 * 评价:不满意 and 再次办理 (reopened, 已答复 off); a change updates the same comment and label; bad input gets the
 * error summary with what was typed; cross-site posts and verdicts before the reply are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categoryLabel, flags, officeLabel, verdictLabel } from '../../scripts/lib/labels.ts';
import { VERDICT_MARKER } from '../../scripts/lib/verdict/plan.ts';
import { postForm, postJson, startServer, validSubmission, type RunningServer } from './support.ts';

let server: RunningServer;
beforeAll(async () => {
  // Stages are set by hand below (as staff would with /reply and /close), so in-process triage stays off.
  server = await startServer({ SUBMIT_RATE_LIMIT: 'off', TRACK_RATE_LIMIT: 'off', SUBMIT_TRIAGE: 'off' });
});
afterAll(() => server?.stop());

const track = async (code: string) => {
  const res = await fetch(`${server.url}/track?code=${encodeURIComponent(code)}`);
  return { status: res.status, html: await res.text(), headers: res.headers };
};
const stage = (html: string) => /id="stage">([^<]+)</.exec(html)?.[1];
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

/** A web submission answered by staff (office label, a /reply by a writer, 已答复) and closed. */
async function answeredOpinion(n: number) {
  const res = await postJson(server.url, validSubmission(n, { category: 'other' }));
  expect(res.status).toBe(201);
  const { trackingCode } = await res.json();
  const staff = server.tracker('staff');
  const issue = (await staff.findIssueByMarker(trackingCode))!;
  await staff.addLabels(issue.number, [categoryLabel('other'), officeLabel('agency')]);
  await staff.createComment(issue.number, '/outcome 解释说明\n/reply 您好，质控规则将于下季度统一发布。');
  await staff.addLabels(issue.number, [flags.replied]);
  await staff.updateIssue(issue.number, { state: 'closed' });
  return { code: trackingCode as string, number: issue.number };
}

const verdictComments = async (n: number) => (await server.tracker('staff').listComments(n)).filter((c) => c.author === 'feedback-bot' && c.body.includes(VERDICT_MARKER));

describe('the verdict form on /track', () => {
  it('asks for a verdict once answered, in an accessible form without scripts', async () => {
    const { code } = await answeredOpinion(1);
    const page = await track(code);
    expect(page.status).toBe(200);
    expect(stage(page.html)).toBe('已办结');
    const form = /<form method="post" action="\/track#verdict"[\s\S]*?<\/form>/.exec(page.html)?.[0] ?? '';
    expect(form).toContain(`<input type="hidden" name="code" value="${code}"`);
    expect(form).toMatch(/<fieldset[^>]*>\s*<legend class="legend">您对答复满意吗？<\/legend>/);
    for (const [value, label] of [['satisfied', '满意'], ['basically', '基本满意'], ['unsatisfied', '不满意']]) {
      expect(form).toContain(`id="f-verdict-${value}" name="verdict" value="${value}"`);
      expect(form).toContain(`<label for="f-verdict-${value}">${label}</label>`);
    }
    expect(form).toMatch(/<label class="label" for="f-reason">评价理由<span class="optional">（选填）<\/span><\/label>/);
    expect(form).toMatch(/<textarea[^>]*id="f-reason" name="reason"/);
    expect(form).toContain('<button type="submit" class="button">提交评价</button>');
    expect(page.html).not.toContain('<script');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('不满意 with a reason: one comment, 评价:不满意 and 再次办理 on the reopened issue; /track shows it; 满意 then updates the same comment and label', async () => {
    const { code, number } = await answeredOpinion(2);
    const res = await postForm(server.url, { code, verdict: 'unsatisfied', reason: '答复没有说明具体时间，请回电13800138000' }, '/track');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('感谢您的评价，已记录。');
    expect(stage(html)).toBe('再次办理');
    expect(text(html)).toMatch(/再次答复期限 \d{4}年\d{1,2}月\d{1,2}日前/);
    expect(text(html)).toContain('您的评价 不满意');
    expect(text(html)).toMatch(/可修改至 \d{4}年\d{1,2}月\d{1,2}日/);
    // What the submitter typed is stored redacted, and shown as stored.
    expect(html).not.toContain('13800138000');
    expect(html).toContain('【已隐去电话】');

    let issue = (await server.tracker('staff').getIssue(number))!;
    expect(issue.state).toBe('open');
    expect(issue.labels).toEqual(expect.arrayContaining([verdictLabel('unsatisfied'), flags.redo]));
    expect(issue.labels).not.toContain(flags.replied);
    let comments = await verdictComments(number);
    expect(comments).toHaveLength(1);
    const id = comments[0].id;
    expect(comments[0].body).toContain('**不满意**');
    expect(comments[0].body).toContain('请医保经办机构重新研究办理');
    expect(comments[0].body).not.toContain('13800138000');
    // Reloading the page shows the verdict and offers to change it.
    const again = await track(code);
    expect(text(again.html)).toContain('您的评价 不满意');
    expect(again.html).toContain('<button type="submit" class="button">修改评价</button>');
    expect(again.html).toMatch(/id="f-verdict-unsatisfied" name="verdict" value="unsatisfied" checked/);

    const change = await postForm(server.url, { code, verdict: 'satisfied', reason: '' }, '/track');
    expect(change.status).toBe(200);
    const changed = await change.text();
    expect(changed).toContain('您的评价已修改。');
    expect(text(changed)).toContain('您的评价 满意');
    issue = (await server.tracker('staff').getIssue(number))!;
    expect(issue.labels.filter((l) => l.startsWith('评价:'))).toEqual([verdictLabel('satisfied')]);
    comments = await verdictComments(number);
    expect(comments.map((c) => c.id)).toEqual([id]);
    expect(comments[0].body).toContain('**满意**');
    // Changed back before staff answered again: the round it started is withdrawn.
    expect(issue.labels).toContain(flags.replied);
    expect(issue.labels).not.toContain(flags.redo);
    expect(issue.state).toBe('closed');
    expect(stage(changed)).toBe('已办结');
  });

  it('no choice → 400 with the error summary, the message at the field and the typed reason kept', async () => {
    const { code, number } = await answeredOpinion(3);
    const res = await postForm(server.url, { code, reason: '理由写好了但忘了选' }, '/track');
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<title>错误：查询办理进度');
    expect(html).toMatch(/class="error-summary"[^>]*role="alert"/);
    expect(html).toContain('<a href="#f-verdict-satisfied">请选择对答复的评价：满意、基本满意或不满意</a>');
    expect(html).toMatch(/id="f-verdict-error"><span class="visually-hidden">错误：<\/span>请选择对答复的评价/);
    expect(html).toMatch(/<textarea[^>]*name="reason"[^>]*>理由写好了但忘了选<\/textarea>/);
    const long = await postForm(server.url, { code, verdict: 'basically', reason: '长'.repeat(501) }, '/track');
    expect(long.status).toBe(400);
    expect(await long.text()).toContain('<a href="#f-reason">评价理由不能超过 500 个字，请精简后再提交</a>');
    expect(await verdictComments(number)).toHaveLength(0);
    expect((await server.tracker('staff').getIssue(number))!.labels.some((l) => l.startsWith('评价:'))).toBe(false);
  });

  it('refuses a cross-site post, a verdict before the reply and an unknown code', async () => {
    const { code } = await answeredOpinion(4);
    const cross = await postForm(server.url, { code, verdict: 'unsatisfied' }, '/track', { origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
    expect(await cross.text()).toContain('请求来自其他网站，已拒绝');

    const res = await postJson(server.url, validSubmission(5));
    const { trackingCode } = await res.json();
    const early = await track(trackingCode);
    expect(early.html).not.toContain('name="verdict"');
    const refused = await postForm(server.url, { code: trackingCode, verdict: 'satisfied' }, '/track');
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('该意见尚未答复，答复后才能评价');

    const unknown = await postForm(server.url, { code: 'JY-2026-ZZZZZZ', verdict: 'satisfied' }, '/track');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('没有找到查询码 JY-2026-ZZZZZZ');
  });
});
