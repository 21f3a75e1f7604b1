/**
 * What an opinion asks, as opposed to which nouns it uses (issue 13): about half of the outside labeller's
 * category errors were questions of permission ("可以…吗", "是否允许"), compliance ("合规吗", "算不算推诿"),
 * procedure ("怎么申诉、什么时候截止") or change-over ("新旧方案怎么衔接") that name budgets, payment standards,
 * deductions or retained balances. The notice files them under 政策措施类 (配套措施, 政策解读咨询: 济源 二(一)1),
 * while the same nouns in a request to change a value ("能否提高权重") stay 核心要素类.
 *
 * The cues are read per sentence, so a permission word and a change verb only combine when they are in the same
 * sentence, and by plain substring search (no regex over the text): linear in its length.
 *
 * Escalation cues read the same way: a request to report upward, or a change asked of the nation or the province
 * (济源 二(二)2: beyond the bureau's authority), against a change asked of the bureau itself.
 */

export interface IntentCue {
  /** Feature key, `q:` for what is asked, `u:` for whose authority. */
  key: string;
  /** Chinese label for the reasons: what was recognised. */
  label: string;
}

/** Value- and rule-changing verbs: after a permission word they turn a question into a proposal ("能否提高…"). */
const changeVerbs = [
  '提高', '调高', '上调', '提升', '增加', '降低', '下调', '调低', '调整', '放宽', '缩短', '延长', '单独', '设立', '设置', '设定',
  '拆分', '拆开', '分开', '细分', '区分', '考虑', '公开', '公布', '增补', '修订', '修改', '统一', '恢复', '取消', '按实际', '重新',
];
const permissionWords = ['能否', '能不能', '可否', '可不可以', '是否可以', '是否允许', '允不允许', '是否能', '能够', '可以'];
const complianceWords = [
  '合规', '合不合规', '违规', '违反', '合法', '算不算', '是不是违规', '会不会被', '被认定', '禁止', '不允许', '有没有规定', '是否有规定',
  '有无规定', '有没有要求', '是否有要求', '有没有限制', '使用范围', '专款专用', '推诿',
];
const procedureWords = [
  '怎么申请', '如何申请', '怎样申请', '怎么申报', '如何申报', '怎么报', '申请流程', '申报流程', '办理流程', '什么流程', '按什么流程',
  '什么程序', '哪些程序', '申请程序', '走什么', '履行什么', '手续', '需要提交', '要提交', '需要准备', '要准备', '要附', '哪些材料',
  '什么材料', '向哪个', '找哪个', '哪个部门', '哪个科室', '找谁', '在哪里', '到哪里', '哪里可以', '入口', '怎么办理', '如何办理',
  '申诉', '复核', '补报', '补传', '异议', '投诉', '报备', '审批', '冲抵', '怎么参加', '怎么查',
];
const timingWords = ['什么时候', '何时', '哪天', '几号', '截止', '多久', '多长时间', '时限是', '时限要求', '有没有时限', '期限是', '大概什么时候'];
const transitionWords = ['过渡', '切换', '衔接', '新旧', '跨年', '追溯', '多退少补', '起执行', '开始执行', '执行日', '启用', '停止使用', '之前入院', '前入院'];
const interpretWords = [
  '要不要', '是否也', '是不是也', '需不需要', '是否需要',
  '怎么理解', '如何理解', '是什么意思', '什么意思', '解读', '解释一下', '依据是什么', '依据是哪', '哪份文件', '哪个文件', '什么文件',
  '有没有文件', '有无文件', '文件依据', '怎么规定', '如何规定', '是否适用', '是否纳入', '包不包括', '包括不包括', '是否包括', '是指',
  '算不算', '是不是有', '是真的吗', '说法', '口径', '讲一讲', '讲清楚', '不懂', '看不懂',
];
const questionWords = ['？', '?', '请问', '想问', '咨询', '请教', '问一下', '想了解', '想知道', '吗', '询问'];
const proposalWords = ['建议', '希望', '请求', '恳请', '呼吁', '应当', '应该', '请尽快', '请考虑', '请按'];
const patientWords = ['我母亲', '我父亲', '我丈夫', '我妻子', '我爸', '我妈', '家里老人', '病人家属', '患者家属', '我是病人', '我是参保', '参保职工', '普通群众', '我是一名'];

const upwardWords = [
  '报送上级', '向上反映', '报送省', '报省', '报请', '转报', '向省局', '向省里', '向省医保局', '请上级', '上级部门', '逐级报送', '本级无权',
  '本地改不了', '超出示范区', '超出本级', '国家统一', '省里统一', '省级统一', '省里定', '省级平台', '省平台', '省医保信息平台',
];
const nationWords = ['国家医保局', '国家层面', '国家局', '国家分组', '国家版', '国家在', '国家统一', '国家出台', '国家修订', '国家', '下一版'];
const provinceWords = ['全省统一', '全省', '省医保局', '省局', '省里', '省级', '省层面', '河南省'];
const localWords = ['本地', '本统筹区', '示范区', '经办机构', '本级', '市里', '县里'];
/** Objects only the nation sets (CHS-DRG 2.0 technical specification, 医保版 code standards, 结算清单填写规范). */
const nationalObjects = [
  'ADRG', '核心组', 'MDC', '先期分组', 'CC表', 'MCC表', '排除表', '主诊表', '匹配表', '匹配规则', '技术规范', '填写规范', '编码库',
  '赋码', '病种目录库', '国家病种库', '医保版', '疾病分类与代码', '手术操作分类与代码', '映射表', '编码标准',
];
/** Additions to a national object ("增补编码", "修订MCC表"). */
const nationalChange = ['增补', '增加', '修订', '修改', '补充', '收录', '拆分', '细化', '单设', '单独设立', '放宽', '优化', '更新', '统一', '缺少', '没有'];

const onlyCiteWords = ['按照国家', '按国家', '国家要求', '国家规定'];
const announceWords = ['出台', '明确', '发布'];
const beforeAfterWords = ['之前', '之后', '以前', '以后'];

/** Word groups, scanned in one pass per sentence (a first-character index, as the lexicon tokenizer does). */
const groups = {
  change: changeVerbs, permission: permissionWords, compliance: complianceWords, procedure: procedureWords, timing: timingWords,
  transition: transitionWords, interpret: interpretWords, question: questionWords, proposal: proposalWords, patient: patientWords,
  upward: upwardWords, nation: nationWords, province: provinceWords, local: localWords, nationalObject: nationalObjects,
  nationalChange, onlyCites: onlyCiteWords, announce: announceWords, beforeAfter: beforeAfterWords,
  admission: ['入院'], discharge: ['出院'], unify: ['统一'], askEnd: ['吗', '？', '?'],
} as const;
type Group = keyof typeof groups;

interface Pattern {
  word: string;
  groups: Group[];
}
const byFirst = new Map<string, Pattern[]>();
{
  const all = new Map<string, Group[]>();
  for (const [g, words] of Object.entries(groups) as [Group, readonly string[]][]) for (const w of words) all.set(w, [...(all.get(w) ?? []), g]);
  for (const [word, gs] of all) {
    const list = byFirst.get(word[0]) ?? [];
    list.push({ word, groups: gs });
    byFirst.set(word[0], list);
  }
}

interface Scan {
  has: Set<Group>;
  /** Start positions of permission words and change verbs, and the end of permission words. */
  permissions: { at: number; end: number; word: string }[];
  changes: number[];
  lastAskEnd: number;
}

/** Every group word of a sentence, at every position (overlaps included): linear in the sentence times the words per first character. */
function scan(sentence: string): Scan {
  const has = new Set<Group>();
  const permissions: Scan['permissions'] = [];
  const changes: number[] = [];
  let lastAskEnd = -1;
  for (let i = 0; i < sentence.length; i++) {
    const candidates = byFirst.get(sentence[i]);
    if (!candidates) continue;
    for (const { word, groups: gs } of candidates) {
      if (!sentence.startsWith(word, i)) continue;
      for (const g of gs) {
        has.add(g);
        if (g === 'permission') permissions.push({ at: i, end: i + word.length, word });
        else if (g === 'change') changes.push(i);
        else if (g === 'askEnd') lastAskEnd = i;
      }
    }
  }
  return { has, permissions, changes, lastAskEnd };
}

/** Sentences: split at 。！？；!?; and line breaks (a comma keeps a question and its verb together). */
export function sentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '。' || ch === '！' || ch === '？' || ch === '；' || ch === '!' || ch === '?' || ch === ';' || ch === '\n') {
      // Keep the question mark with its sentence: it is a cue.
      const piece = text.slice(start, ch === '？' || ch === '?' ? i + 1 : i).trim();
      if (piece) out.push(piece);
      start = i + 1;
    }
  }
  const rest = text.slice(start).trim();
  if (rest) out.push(rest);
  return out;
}

/** Within `window` characters after a permission word, does a change verb follow ("能否适当提高…")? */
function permissionKind(sc: Scan, window = 14): 'permission' | 'ask-change' | null {
  let kind: 'permission' | 'ask-change' | null = null;
  for (const p of sc.permissions) {
    // 可以 / 能够 are permission words only in a question ("可以…吗"); elsewhere they say "we can".
    if ((p.word === '可以' || p.word === '能够') && sc.lastAskEnd < p.end) continue;
    if (sc.changes.some((at) => at >= p.end && at < p.end + window)) return 'ask-change';
    kind = 'permission';
  }
  return kind;
}

const labels: Record<string, string> = {
  'q:permission': '问能否、可否、是否允许（合规咨询）',
  'q:ask-change': '以问句提出调整（能否提高、可否设立）',
  'q:compliance': '问是否合规、违规',
  'q:procedure': '问程序、材料、向谁申请或申诉',
  'q:timing': '问时间、期限',
  'q:transition': '问新旧衔接、过渡安排',
  'q:interpret': '问政策含义、依据',
  'q:choice': '问“是……还是……”',
  'q:question': '以提问为主',
  'q:proposal': '提出建议',
  'q:patient': '参保人或家属来信',
  'u:upward': '要求报送上级或属上级统一事项',
  'u:nation': '请国家层面调整',
  'u:province': '请省级统一或调整',
  'u:national-object': '涉及国家统一的分组或编码标准',
  'u:local': '请本级（示范区、经办机构）调整',
};
export const cueLabel = (key: string) => labels[key] ?? key;

/**
 * The intent cues of an opinion, each once, with how many sentences carry it (title sentences count double:
 * the title states what is asked).
 */
export function intentCues(title: string, body: string): Map<string, number> {
  const found = new Map<string, number>();
  const add = (key: string, weight: number) => found.set(key, (found.get(key) ?? 0) + weight);
  const read = (text: string, weight: number) => {
    for (const s of sentences(text)) {
      const sc = scan(s);
      const has = (g: Group) => sc.has.has(g);
      const p = permissionKind(sc);
      if (p) add(`q:${p}`, weight);
      if (has('compliance')) add('q:compliance', weight);
      if (has('procedure')) add('q:procedure', weight);
      if (has('timing')) add('q:timing', weight);
      if (has('transition') || (has('admission') && has('discharge') && has('beforeAfter'))) add('q:transition', weight);
      if (has('interpret')) add('q:interpret', weight);
      const shi = s.indexOf('是');
      if (shi >= 0 && s.indexOf('还是', shi + 1) > shi) add('q:choice', weight);
      if (has('question')) add('q:question', weight);
      if (has('proposal')) add('q:proposal', weight);
      if (has('patient')) add('q:patient', weight);

      if (has('upward')) add('u:upward', weight);
      const change = has('nationalChange') || has('change') || has('announce');
      // "按照国家医保局的要求" mentions the nation without asking anything of it.
      if (has('nation') && change && !has('onlyCites')) add('u:nation', weight);
      if (has('province') && (change || has('unify'))) add('u:province', weight);
      if (has('nationalObject') && has('nationalChange')) add('u:national-object', weight);
      if (has('local') && change) add('u:local', weight);
    }
  };
  read(title, 2);
  read(body, 1);
  return found;
}
