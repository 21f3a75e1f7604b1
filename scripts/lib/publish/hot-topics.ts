/**
 * 热点问题图谱 (济源 notice 四(三): "定期生成热点问题图谱"): the terms and grouping codes raised by the most
 * opinions in a quarter, with the same counts for the previous quarter so change is visible.
 * Counting is per opinion (an opinion repeating a word counts once). Terms: the payment-reform
 * vocabulary below is matched whole first (so 基准点数 is not split into 基准 + 点数), the rest of the text
 * is segmented with Intl.Segmenter (ICU's Chinese dictionary) and generic words are dropped. Codes: DRG
 * codes are counted at their ADRG (FM19 → FM1), the level the Taizhou notice reports upward.
 */
import { codeKind, type MentionedCode } from '../../../schemas/codes.ts';

/** Terms of DRG/DIP payment from the seed notices; matched as whole words before segmentation. */
export const glossary = [
  '基准点数', '调整系数', '差异系数', '支付标准', '总额预算', '结算清算', '年度清算', '月度结算', '费用预拨', '基金预算',
  '权重', '费率', '点值', '病种分值', '分值', '入组率', '入组', '分组方案', '细分组', '核心分组', '歧义组', '高倍率', '低倍率',
  '特例单议', '特病单议', '除外支付', '预付金', '结算清单', '质控规则', '质控', '医保编码', '主要诊断', '次要诊断', '并发症',
  '合并症', '主要手术', '手术操作', '新技术', '新药', '耗材', '平均住院日', '住院天数', '病案首页', '信息系统', '数据指标',
  '异地就医', '日间手术', '中医', '康复', '精神类', '儿科', '肿瘤', '化疗', '放疗', '透析', '重症', '器官移植', '介入',
  '支架', '绩效评价', '技术规范', '编码标准', '自费', '起付线', '报销比例', '清单上传',
];
const glossaryByLength = [...glossary].sort((a, b) => b.length - a.length);

/** Words too general to tell one topic from another. */
const stopwords = new Set([
  '建议', '意见', '问题', '情况', '医院', '我院', '病例', '患者', '费用', '医保', '相关', '进行', '目前', '存在', '导致', '希望',
  '能够', '可以', '以及', '对于', '关于', '按照', '根据', '部分', '其中', '没有', '因为', '所以', '但是', '如果', '这些', '一些',
  '本院', '科室', '医疗', '机构', '定点', '付费', '支付', '病组', '分组', '方式', '改革', '工作', '要求', '政策', '规定', '实际',
  '需要', '是否', '明确', '调整', '提高', '增加', '降低', '合理', '标准', '出现', '较大', '较高', '偏低', '偏高', '无法', '不能',
  '我们', '他们', '一个', '由于', '通过', '同时', '时间', '今年', '去年', '本季度', '统筹区', '示范区', '济源', '地区', '具体',
]);

export interface TopicCount {
  /** The term, or the code (ADRG level). */
  term: string;
  kind: 'term' | 'code';
  /** Name of a code from the list, when known. */
  name?: string;
  /** Opinions raising it this quarter. */
  count: number;
  /** Opinions raising it in the previous quarter. */
  previous: number;
}

const segmenter = new Intl.Segmenter('zh-CN', { granularity: 'word' });
const hanOnly = /^[\u3400-\u9fff]{2,8}$/;

/** The distinct terms of one opinion text. */
export function termsOf(text: string): Set<string> {
  const found = new Set<string>();
  let rest = text;
  for (const term of glossaryByLength) {
    if (!rest.includes(term)) continue;
    found.add(term);
    rest = rest.split(term).join('\u3000');
  }
  for (const { segment, isWordLike } of segmenter.segment(rest)) {
    if (isWordLike && hanOnly.test(segment) && !stopwords.has(segment)) found.add(segment);
  }
  return found;
}

/** The grouping codes of one opinion at ADRG level (DRG → its ADRG; 歧义组 as is). */
export function topicCodesOf(codes: MentionedCode[]): Set<string> {
  const out = new Set<string>();
  for (const c of codes) {
    const kind = c.kind ?? codeKind(c.code);
    if (kind === 'adrg' || kind === 'ambiguous') out.add(c.code);
    else if (kind === 'drg') out.add(c.code.slice(0, 3));
  }
  return out;
}

export interface TopicInput {
  text: string;
  codes: MentionedCode[];
}

function countAll(items: TopicInput[]) {
  const terms = new Map<string, number>();
  const codes = new Map<string, number>();
  for (const item of items) {
    for (const t of termsOf(item.text)) terms.set(t, (terms.get(t) ?? 0) + 1);
    for (const c of topicCodesOf(item.codes)) codes.set(c, (codes.get(c) ?? 0) + 1);
  }
  return { terms, codes };
}

const top = (counts: Map<string, number>, limit: number, minimum: number, glossaryFirst: boolean) =>
  [...counts]
    .filter(([term, n]) => n >= minimum || (glossaryFirst && glossary.includes(term)))
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], 'zh-CN'))
    .slice(0, limit);

/**
 * The hot topics of `current` compared with `previous`: up to `limit` terms and `limit` codes, most raised
 * first (ties by term). A segmented word (not in the glossary) must be raised by at least two opinions.
 */
export function hotTopics(
  current: TopicInput[],
  previous: TopicInput[],
  options: { limit?: number; codeName?: (code: string) => string | undefined } = {},
): TopicCount[] {
  const limit = options.limit ?? 10;
  const now = countAll(current);
  const before = countAll(previous);
  const terms = top(now.terms, limit, 2, true).map(([term, count]): TopicCount => ({ term, kind: 'term', count, previous: before.terms.get(term) ?? 0 }));
  const codes = top(now.codes, limit, 1, false).map(([term, count]): TopicCount => {
    const name = options.codeName?.(term);
    return { term, kind: 'code', ...(name ? { name } : {}), count, previous: before.codes.get(term) ?? 0 };
  });
  return [...terms, ...codes];
}
