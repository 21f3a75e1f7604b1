/** Shared setup for the triage tests: a temporary local tracker, the real settings, and opinion issues. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CategoryKey } from '../../schemas/common.ts';
import type { OpinionRecord } from '../../schemas/opinion.ts';
import { loadBureau } from '../../scripts/lib/bureau.ts';
import { parseCodeList } from '../../scripts/lib/code-list.ts';
import { categoryLabel, flags, sourceLabel } from '../../scripts/lib/labels.ts';
import { renderOpinionBlock } from '../../scripts/lib/opinion-block.ts';
import { openStore } from '../../scripts/lib/store/store.ts';
import { createLocalTracker } from '../../scripts/lib/tracker/local.ts';
import type { TrackerPort } from '../../scripts/lib/tracker/port.ts';
import { loadWorkCalendar } from '../../scripts/lib/workdays-fs.ts';
import type { TriageDeps } from '../../scripts/lib/triage/run.ts';

/** The national CHS-DRG 2.0 ADRG list the project ships as its default code list (content/settings/codes/). */
export const adrgPath = new URL('../../content/settings/codes/chs-drg-2.0-adrg.tsv', import.meta.url);
export const codeList = parseCodeList(readFileSync(adrgPath, 'utf8'));
export const bureau = loadBureau();
export const calendar = loadWorkCalendar();

/** The local tracker's own account both opens web submissions and writes triage comments (cli.ts botLoginsFromEnv). */
export const bots = { triage: 'feedback-bot', intake: 'feedback-bot' };

export const deps = (extra: Partial<TriageDeps> = {}): TriageDeps => ({ bureau, calendar, codeList, dryRun: false, budget: 50, bots, ...extra });

/** A local tracker in a fresh store; `as(login)` is the same tracker acting as someone else. */
export function tempTracker(actor = 'feedback-bot') {
  const dir = mkdtempSync(join(tmpdir(), 'triage-test-'));
  const store = openStore(join(dir, 'store.sqlite'), { fsync: false });
  return { dir, store, port: createLocalTracker({ store, actor }), as: (login: string) => createLocalTracker({ store, actor: login }) };
}

let seq = 0;
export function opinionRecord(o: { title: string; details: string; selected: CategoryKey | null; receivedAt?: string }): OpinionRecord {
  seq++;
  return {
    v: 1, trackingCode: `JY-2026-T${String(seq).padStart(5, '0')}`, key: `test-${seq}-${Math.random()}`, receivedAt: o.receivedAt ?? '2026-09-28T02:00:00Z',
    source: 'web', selectedCategory: o.selected, submitterType: 'hospital', organization: '某市人民医院', unit: '医保办',
    publicConsent: true, title: o.title, details: o.details,
  };
}

export const issueBody = (r: OpinionRecord) => `### 主要意见及建议\n\n${r.title}\n\n### 具体问题和建议\n\n${r.details}\n\n${renderOpinionBlock(r)}`;

/** An issue as the submission endpoint opens it: flags.opinion, source web, the ticked category. */
export async function submitOpinion(port: TrackerPort, o: Parameters<typeof opinionRecord>[0]) {
  const record = opinionRecord(o);
  const labels = [flags.opinion, sourceLabel('web'), ...(o.selected ? [categoryLabel(o.selected)] : [])];
  const issue = await port.createIssue({ title: record.title, body: issueBody(record), labels, marker: record.trackingCode });
  return { issue, record };
}
