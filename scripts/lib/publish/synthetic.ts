/**
 * Synthetic opinions for the summary benchmark and demos: realistic Chinese titles and details built
 * from the four categories' vocabulary (济源 notice 二(一)), with ADRG codes, a reply for most, an
 * outcome, some escalated or reserved. Deterministic for a seed. Writes through the TrackerPort, so the
 * local tracker is filled exactly as the submission endpoint and staff commands would fill it.
 */
import type { CategoryKey, OutcomeKey, SourceKey, SubmitterTypeKey } from '../../../schemas/common.ts';
import type { Bureau } from '../../../schemas/bureau.ts';
import { renderOpinionBlock } from '../opinion-block.ts';
import { categoryLabel, flags, officeLabel, outcomeLabel, sourceLabel } from '../labels.ts';
import type { Store } from '../store/store.ts';
import { createLocalTracker } from '../tracker/local.ts';
import type { TrackerPort } from '../tracker/port.ts';
import { seededRandom } from '../seeded-random.ts';


const topics: Record<CategoryKey, string[]> = {
  policy: ['特例单议申报流程', '预付金拨付办法', '日间手术支付政策', '新技术除外支付', '中医优势病种付费', '异地就医结算政策'],
  'core-elements': ['基准点数', '调整系数', '总额预算分配', '年度清算方案', '病种分值', '费率测算'],
  grouping: ['歧义组入组', '细分组方案', '高倍率病例', '低倍率病例', '主要诊断选择', '并发症合并症分组'],
  other: ['结算清单质控规则', '医保编码映射', '信息系统接口', '数据指标口径', '清单上传时限', '病案首页质控'],
};
const codes = ['FM1', 'FM2', 'GB1', 'HQY', 'ES2', 'BR2', 'IC2', 'DR1', 'KD1', 'LA1', 'RE1', 'JA1'];
const asks = ['建议适当提高', '建议细化规则', '建议明确口径', '希望尽快出台', '建议统一标准', '请予以解释'];

export interface SyntheticOptions {
  count: number;
  /** First day (China) of the span, e.g. 2025-01-01. */
  from: string;
  /** Number of days the receiving dates spread over. */
  days: number;
  seed?: number;
  bureau: Bureau;
  codePrefix?: string;
}

/** One synthetic opinion: what to create, and what staff did with it. */
export function syntheticOpinion(i: number, rnd: () => number, o: SyntheticOptions) {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const category = pick(['policy', 'core-elements', 'grouping', 'grouping', 'other'] as CategoryKey[]);
  const topic = pick(topics[category]);
  const code = pick(codes);
  const received = new Date(Date.parse(`${o.from}T01:00:00Z`) + Math.floor(rnd() * o.days * 86400_000));
  const trackingCode = `${o.codePrefix ?? o.bureau.codePrefix}-${received.getUTCFullYear()}-${String(i).padStart(6, '0')}`;
  const title = `关于${code}组${topic}的建议`;
  const details = `我院在按病组付费实践中发现，${code}组涉及的${topic}存在问题：近一个季度相关病例${10 + Math.floor(rnd() * 90)}例，次均费用${(8000 + rnd() * 20000).toFixed(2)}元，${pick(asks)}，以便医疗机构合理收治。`;
  const r = rnd();
  const outcome: OutcomeKey | null = r < 0.8 ? pick(['adopted', 'partial', 'reserved', 'explained', 'explained', 'escalated'] as OutcomeKey[]) : null;
  const replyAfterDays = 1 + Math.floor(rnd() * 30);
  return {
    category, received, trackingCode, title, details, outcome, replyAfterDays,
    source: pick(['web', 'web', 'web', 'email', 'meeting', 'phone'] as SourceKey[]),
    submitterType: pick(['hospital', 'hospital', 'hospital', 'clinician', 'pharmacy', 'expert'] as SubmitterTypeKey[]),
    escalate: rnd() < 0.05,
    closed: outcome !== null && rnd() < 0.7,
  };
}

/**
 * Fills a tracker: `at(iso)` must return a port whose clock reads `iso` (the local tracker's `now`
 * option), so issues and comments carry the synthetic instants.
 */
export async function fillTracker(at: (iso: string, actor: string) => TrackerPort, o: SyntheticOptions): Promise<void> {
  const rnd = seededRandom(o.seed ?? 42);
  for (let i = 1; i <= o.count; i++) {
    const s = syntheticOpinion(i, rnd, o);
    const record = {
      v: 1 as const, trackingCode: s.trackingCode, key: `bench-${i}`, receivedAt: s.received.toISOString(), source: s.source,
      selectedCategory: s.category, submitterType: s.submitterType, organization: `第${(i % 40) + 1}人民医院`, unit: '医保办',
      publicConsent: i % 3 === 0, title: s.title, details: s.details,
    };
    const labels = [flags.opinion, sourceLabel(s.source), categoryLabel(s.category), officeLabel(o.bureau.routing[s.category])];
    if (s.escalate) labels.push(flags.escalate);
    const bot = at(s.received.toISOString(), 'feedback-bot');
    const issue = await bot.createIssue({ title: s.title, body: `${s.details}\n\n${renderOpinionBlock(record)}`, labels, marker: s.trackingCode });
    if (!s.outcome) continue;
    const replyAt = new Date(s.received.getTime() + s.replyAfterDays * 86400_000).toISOString();
    const staff = at(replyAt, 'staff');
    await staff.addLabels(issue.number, [outcomeLabel(s.outcome), flags.replied, ...(s.outcome === 'reserved' ? [flags.reserved] : [])]);
    await staff.createComment(issue.number, `/reply 感谢您对${s.title.slice(2)}的意见，经研究答复如下：相关规则将在下一年度调整时统筹考虑。`);
    if (s.closed) await staff.updateIssue(issue.number, { state: 'closed' });
  }
}

/**
 * `fillTracker` into the embedded tracker of `store`, each actor with its own port and all on the synthetic clock
 * (the benchmarks' setup).
 */
export async function fillLocalTracker(store: Store, o: SyntheticOptions): Promise<void> {
  let clock = new Date();
  const ports = new Map<string, TrackerPort>();
  await fillTracker((iso, actor) => {
    clock = new Date(iso);
    if (!ports.has(actor)) ports.set(actor, createLocalTracker({ store, actor, now: () => clock }));
    return ports.get(actor)!;
  }, o);
}
