/**
 * The opinion form in a real browser on a phone-sized screen (issue 3): fill, fail, fix, submit, receipt, track;
 * the draft surviving a reload; the same flow without JavaScript; axe on the empty form, the form with errors,
 * the receipt and /track.
 */
import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
test.use({ viewport: { width: 375, height: 740 } });

async function expectNoAxeViolations(page: Page, what: string) {
  const { violations } = await new AxeBuilder({ page }).withTags(tags).analyze();
  expect(violations.map((v) => `${what}: ${v.id} ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** The server refuses posts faster than the minimum fill time (3 s by default); a person is never that fast. */
const minimumFillTime = (page: Page) => page.waitForTimeout(3200);

test('fill, fail, fix, submit, receipt, track — with JavaScript, on a phone', async ({ page }) => {
  await page.goto('/submit');
  await expectNoAxeViolations(page, 'empty form');
  // 个人信息处理告知 before the submit button (issue 12): what, why, who, how long, how to have it deleted.
  const notice = page.getByRole('region', { name: '个人信息处理告知' });
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('填报人姓名和联系方式');
  await expect(notice).toContainText('核实');
  await expect(notice).toContainText('不发送到意见办理跟踪系统');
  await expect(page.locator('#privacy-retention')).toHaveText(/办结后保存 \d+ 个月/);
  await expect(page.locator('#privacy-contact')).toContainText('0391-6637366');
  await expect(page.locator('#privacy-patients')).toContainText('住院号');
  const before = await page.evaluate(() => {
    const n = document.getElementById('privacy-notice')!;
    const b = document.getElementById('submit-button')!;
    return Boolean(n.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  expect(before).toBe(true);
  // The grouping section is shown only for 分组技术类.
  await expect(page.locator('#grouping-section')).toBeHidden();

  await page.getByLabel('单位名称').fill('济源市人民医院');
  await page.getByLabel('填报人').fill('周九');
  await page.getByLabel('联系方式').fill('abc');
  await page.getByLabel('联系方式').blur();
  // Validated as you go: the message appears at the field without submitting.
  await expect(page.locator('#f-contact-error')).toHaveText('错误：联系方式应为手机号码（如 13800138000）、座机号码（如 0391-6637366）或电子邮箱');

  await page.getByLabel('定点医疗机构').check();
  await page.getByLabel('分组技术类').check();
  await expect(page.locator('#grouping-section')).toBeVisible();
  await page.getByLabel('主要意见及建议').fill('FM1 入组规则需完善');
  await expect(page.locator('#f-title-counter')).toHaveText('最多 100 个字，还可以输入 89 个字');
  await page.getByLabel('具体问题和建议').fill('太短');
  await page.getByLabel('DRG 代码').fill('FM19');
  await page.getByLabel('主要诊断编码').first().fill('36.0601');
  // A patient's identity in a case field is refused at the field, as you go.
  await page.getByLabel('次要诊断 1名称').first().fill('患者张某某 2型糖尿病');
  await page.getByLabel('次要诊断 1名称').first().blur();
  await expect(page.locator('#f-cases-0-secondaryDiagnoses-0-name-error')).toHaveText(
    '错误：病案举例中请不要填写患者身份信息（如姓名、住院号、身份证号），请改为“患者甲”或删除',
  );
  await page.getByLabel('次要诊断 1名称').first().fill('2型糖尿病');
  await page.getByRole('button', { name: '提交意见' }).click();

  const summary = page.locator('#error-summary');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('link')).toHaveText([
    '联系方式应为手机号码（如 13800138000）、座机号码（如 0391-6637366）或电子邮箱',
    '具体问题和建议至少需要 10 个字',
    '主要诊断编码格式不对，应为 ICD-10 医保版编码，例如 I21.000 或 I21.000x001',
  ]);
  await expect(page).toHaveTitle(/^错误：/);
  await expectNoAxeViolations(page, 'form with errors');

  // The summary link takes the person to the field.
  await summary.getByRole('link', { name: /联系方式应为/ }).click();
  await expect(page.getByLabel('联系方式')).toBeFocused();
  await page.getByLabel('联系方式').fill('13800138000');
  await page.getByLabel('具体问题和建议').fill('部分经皮冠状动脉支架植入病例进入歧义组，建议完善 FM1 的入组规则。');
  await page.getByLabel('主要诊断编码').first().fill('I21.000');
  await page.getByLabel('主要诊断名称').first().fill('急性心肌梗死');
  await page.getByRole('button', { name: '再添加一例病案' }).click();
  await expect(page.getByRole('group', { name: '病案举例 2' })).toBeVisible();
  await expect(page.locator('#f-contact-error')).toHaveCount(0);

  await minimumFillTime(page);
  await page.getByRole('button', { name: '提交意见' }).click();
  const heading = page.locator('#receipt-heading');
  await expect(heading).toBeFocused();
  await expect(heading).toHaveText(/已收到您的意见/);
  const code = (await page.locator('#tracking-code').textContent())!.trim();
  expect(code).toMatch(/^JY-\d{4}-[0-9A-Z]{6}$/);
  await expect(page.locator('.summary-list')).toContainText('医保行政部门');
  await expect(page.locator('.summary-list')).toContainText(/答复期限\s*\d{4}年\d{1,2}月\d{1,2}日前/);
  await expectNoAxeViolations(page, 'receipt');

  await page.getByRole('link', { name: '查询办理进度' }).click();
  await expect(page).toHaveURL(new RegExp(`/track\\?code=${code}`));
  await expect(page.locator('#stage')).toHaveText(/已受理|办理中/);
  await expect(page.locator('main')).not.toContainText('周九');
  await expect(page.locator('main')).not.toContainText('13800138000');
  await expectNoAxeViolations(page, '/track');

  // The draft was cleared by the receipt.
  await page.goto('/submit');
  await expect(page.getByLabel('单位名称')).toHaveValue('');
});

test('a draft survives a reload, key included, and can be cleared', async ({ page }) => {
  await page.goto('/submit');
  const key = await page.locator('input[name="idempotencyKey"]').inputValue();
  await page.getByLabel('单位名称').fill('济源市第三人民医院');
  await page.getByLabel('其他').check();
  await page.getByLabel('具体问题和建议').fill('结算清单质控规则更新后，接口文档未同步更新。');
  await page.waitForTimeout(500); // the draft is saved shortly after typing stops
  await page.reload();
  await expect(page.locator('#draft-notice')).toBeVisible();
  await expect(page.getByLabel('单位名称')).toHaveValue('济源市第三人民医院');
  await expect(page.getByLabel('其他')).toBeChecked();
  await expect(page.getByLabel('具体问题和建议')).toHaveValue('结算清单质控规则更新后，接口文档未同步更新。');
  // Same idempotency key: if the first attempt did get through, resubmitting cannot create a second opinion.
  await expect(page.locator('input[name="idempotencyKey"]')).toHaveValue(key);
  await page.getByRole('button', { name: '清除草稿，重新填写' }).click();
  await expect(page.getByLabel('单位名称')).toHaveValue('');
  await page.reload();
  await expect(page.locator('#draft-notice')).toBeHidden();
});

test('axe is clean on the server-rendered error page too', async ({ page }) => {
  await page.goto('/submit');
  await page.getByLabel('单位名称').fill('济源市人民医院');
  // form.submit() skips the script's submit handler: a plain post, answered by the server's re-render.
  await Promise.all([page.waitForURL('**/submit'), page.locator('#submission-form').evaluate((f: HTMLFormElement) => f.submit())]);
  await expect(page.locator('#error-summary')).toBeFocused();
  await expect(page.locator('#f-submitterName-error')).toBeVisible();
  await expectNoAxeViolations(page, 'server-rendered errors');
});

test('axe is clean on the server-rendered case-identity error', async ({ page }) => {
  await page.goto('/submit');
  await page.getByLabel('单位名称').fill('济源市人民医院');
  await page.getByLabel('分组技术类').check();
  await page.getByLabel('主要诊断名称').first().fill('急性心肌梗死（住院号：2025001234）');
  await Promise.all([page.waitForURL('**/submit'), page.locator('#submission-form').evaluate((f: HTMLFormElement) => f.submit())]);
  await expect(page.locator('#f-cases-0-mainDiagnosis-name-error')).toContainText('患者身份信息');
  await expectNoAxeViolations(page, 'case identity error');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the server re-renders errors with every value kept, then shows the receipt', async ({ page }) => {
    await page.goto('/submit');
    // Everything is visible without scripts, including the grouping section.
    await expect(page.locator('#grouping-section')).toBeVisible();
    await page.getByLabel('单位名称').fill('济源市中医院');
    await page.getByLabel('联系方式').fill('0391-1234567');
    await page.getByLabel('学（协）会').check();
    await page.getByRole('button', { name: '提交意见' }).click();
    await expect(page.locator('#error-summary')).toBeVisible();
    await expect(page.locator('#error-summary')).toContainText('输入填报人姓名');
    await expect(page.locator('#f-submitterName-error')).toContainText('输入填报人姓名');
    await expect(page.getByLabel('单位名称')).toHaveValue('济源市中医院');
    await expect(page.getByLabel('学（协）会')).toBeChecked();

    await page.getByLabel('填报人').fill('吴十');
    await page.getByLabel('政策措施类').check();
    await page.getByLabel('主要意见及建议').fill('建议明确预付金拨付时间');
    await page.getByLabel('具体问题和建议').fill('预付金拨付时间不固定，医院资金周转压力较大，建议明确时间表。');
    await page.getByRole('button', { name: '提交意见' }).click();
    await expect(page.locator('#receipt-heading')).toHaveText(/已收到您的意见/);
    await expect(page.locator('.summary-list')).toContainText('医保行政部门');
  });

  test('a patient\'s identity in a case example comes back as an error at that field, everything else kept', async ({ page }) => {
    await page.goto('/submit');
    await expect(page.getByRole('region', { name: '个人信息处理告知' })).toBeVisible();
    await page.getByLabel('单位名称').fill('济源市人民医院');
    await page.getByLabel('填报人').fill('郑十一');
    await page.getByLabel('联系方式').fill('0391-1234567');
    await page.getByLabel('定点医疗机构').check();
    await page.getByLabel('分组技术类').check();
    await page.getByLabel('主要意见及建议').fill('FM1 入组规则需完善');
    await page.getByLabel('具体问题和建议').fill('部分经皮冠状动脉支架植入病例进入歧义组，建议完善 FM1 的入组规则。');
    await page.getByLabel('主要诊断名称').first().fill('急性心肌梗死（住院号：2025001234）');
    await page.getByLabel('主要诊断编码').first().fill('I21.000');
    await page.getByRole('button', { name: '提交意见' }).click();
    const message = '病案举例中请不要填写患者身份信息（如姓名、住院号、身份证号），请改为“患者甲”或删除';
    await expect(page.locator('#error-summary')).toContainText(message);
    await expect(page.locator('#f-cases-0-mainDiagnosis-name-error')).toContainText(message);
    await expect(page.getByLabel('主要诊断名称').first()).toHaveValue('急性心肌梗死（住院号：2025001234）');
    await expect(page.getByLabel('主要诊断编码').first()).toHaveValue('I21.000');
    await expect(page.getByLabel('填报人')).toHaveValue('郑十一');
    // axe needs scripts in the page, so it checks this error page in the test above this block.

    await page.getByLabel('主要诊断名称').first().fill('急性心肌梗死（患者甲）');
    await page.getByRole('button', { name: '提交意见' }).click();
    await expect(page.locator('#receipt-heading')).toHaveText(/已收到您的意见/);
  });
});
