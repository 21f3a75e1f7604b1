/**
 * Personal data typed into the free text (not only the name and contact fields) never reaches the issue, not even
 * sealed, and staff still read exactly what was sent from the sealed record in the bureau's store (issue 12).
 */
import { createPublicKey, createSecretKey } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSubmission } from '../../schemas/submission.ts';
import { loadBureau } from '../../scripts/lib/bureau.ts';
import { parseOpinionBlock } from '../../scripts/lib/opinion-block.ts';
import { generateSealingKeyPair, openSealed } from '../../scripts/lib/sealed.ts';
import { createPersonalRecords } from '../../scripts/lib/store/personal-records.ts';
import { openStore } from '../../scripts/lib/store/store.ts';
import { createOutbox } from '../../scripts/lib/submission/outbox-store.ts';
import { createSubmissionService } from '../../scripts/lib/submission/service.ts';
import { inProcessPreparer } from '../../scripts/lib/submission/prepare-pool.ts';
import { prepareKeysOf } from '../../scripts/lib/submission/prepare.ts';
import { createLocalTracker } from '../../scripts/lib/tracker/local.ts';
import { loadWorkCalendar } from '../../scripts/lib/workdays-fs.ts';

const keys = generateSealingKeyPair();

async function submitAndRead(title: string, details: string) {
  const dir = mkdtempSync(join(tmpdir(), 'privacy-'));
  const store = openStore(join(dir, 'store.sqlite'));
  const tracker = createLocalTracker({ store });
  const service = createSubmissionService({
    bureau: loadBureau(), calendar: loadWorkCalendar(), codeList: null, outbox: createOutbox(store),
    tracker: async () => tracker, preparer: inProcessPreparer(prepareKeysOf(loadBureau(), createSecretKey(Buffer.alloc(32, 7)), createPublicKey(keys.publicKey))), log: () => {},
  });
  const parsed = parseSubmission({
    organization: '济源市人民医院', submitterName: '王晓明', contact: 'wxm@example.cn', submitterType: 'hospital',
    category: 'policy', title, details, publicConsent: false,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const receipt = await service.submit({ submission: parsed.value, key: `k-${title}` });
  const issue = (await tracker.findIssueByMarker(receipt.trackingCode))!;
  const record = parseOpinionBlock(issue.body)!;
  const kept = createPersonalRecords(store).find({ trackingCode: receipt.trackingCode })!;
  return { issue, record, opened: openSealed(kept.sealed!, keys.privateKey) };
}

describe('personal data in the free text of a submission', () => {
  it('is masked in the issue and kept, sealed, for staff', async () => {
    const details = '结算清单上传失败，请王晓明主任协调。如需核实请拨打 139 0013 9000 或发邮件 wxm@example.cn。';
    const { issue, opened } = await submitAndRead('结算清单上传失败的问题', details);
    for (const secret of ['王晓明', '139 0013 9000', '13900139000', 'wxm@example.cn']) {
      expect(issue.body).not.toContain(secret);
      expect(issue.title).not.toContain(secret);
    }
    expect(issue.body).toContain('【已隐去电话】');
    expect(issue.body).not.toMatch(/sealed1\./);
    expect(issue.body).toContain('结算清单上传失败');
    expect(opened).toMatchObject({ name: '王晓明', contact: 'wxm@example.cn', original: { details } });
  });

  it('leaves text without personal data (codes, amounts, the bureau\'s published phone) as sent', async () => {
    const details = 'FM19 病组 2025 年均次费用 35,012.50 元，I21.000 诊断，请按 0391-6637366 咨询的口径解释。';
    const { issue, record, opened } = await submitAndRead('FM19 支付标准偏低', details);
    expect(record.details).toBe(details);
    expect(issue.body).toContain('0391-6637366');
    expect(opened.original).toMatchObject({ details });
  });
});
