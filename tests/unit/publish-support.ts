/**
 * Test support for the publishing tests: a local tracker in a temp folder filled with opinion issues
 * shaped exactly like the submission endpoint makes them (body + opinion machine block + labels).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseBureau } from '../../scripts/lib/bureau.ts';
import bureauJson from '../../content/settings/bureau.json' with { type: 'json' };
import { renderOpinionBlock } from '../../scripts/lib/opinion-block.ts';
import { openStore } from '../../scripts/lib/store/store.ts';
import { createLocalTracker } from '../../scripts/lib/tracker/local.ts';
import type { OpinionRecord } from '../../schemas/opinion.ts';

export const bureau = parseBureau(bureauJson);

/** The local tracker's own account opens the opinion issues (as the submission server does) and writes triage's comments. */
export const bots = { triage: 'feedback-bot', intake: 'feedback-bot' };

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function opinion(partial: Partial<OpinionRecord> & { trackingCode: string; receivedAt: string }): OpinionRecord {
  return {
    v: 1,
    key: `key-${partial.trackingCode}`,
    source: 'web',
    selectedCategory: 'grouping',
    submitterType: 'hospital',
    organization: '济源市人民医院',
    unit: '医保办',
    publicConsent: false,
    title: '关于FM19组入组的建议',
    details: '经皮冠状动脉支架植入病例入组FM19后权重偏低。',
    ...partial,
  };
}

/** A tracker whose clock is settable, so issues and comments get the instants a test wants. */
export function testTracker(dir: string) {
  const store = openStore(join(dir, 'store.sqlite'), { fsync: false });
  const people = store.db.prepare('INSERT INTO tracker_people (login, permission) VALUES (?, ?)');
  for (const [login, permission] of [['staff', 'admin'], ['feedback-bot', 'admin'], ['reviewer', 'write'], ['visitor', 'read']]) people.run(login, permission);
  let clock = new Date('2026-07-01T02:00:00Z');
  const at = (actor: string) => createLocalTracker({ store, actor, now: () => clock });
  return {
    bot: at('feedback-bot'),
    as: at,
    setClock(iso: string) {
      clock = new Date(iso);
    },
    async addOpinion(record: OpinionRecord, labels: string[]) {
      clock = new Date(record.receivedAt);
      const body = `### 主要意见及建议\n\n${record.title}\n\n${renderOpinionBlock(record)}`;
      return at('feedback-bot').createIssue({ title: record.title, body, labels, marker: record.trackingCode });
    },
    async comment(actor: string, issue: number, body: string, iso: string) {
      clock = new Date(iso);
      return at(actor).createComment(issue, body);
    },
  };
}
