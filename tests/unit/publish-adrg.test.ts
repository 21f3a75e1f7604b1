/** The half-yearly ADRG-level report (泰州 二(四)): windows that partition the year, rows by ADRG. */
import { describe, expect, it } from 'vitest';
import { adrgReportCsv, adrgReportRows, adrgReportWindow, parseHalf } from '../../scripts/lib/publish/adrg-report.ts';
import type { OpinionFacts } from '../../scripts/lib/publish/facts.ts';

const fact = (code: string, received: string, extra: Partial<OpinionFacts>): OpinionFacts => ({
  number: 1, code, title: `意见${code}`, text: '', category: 'grouping', office: 'admin', submitterType: 'hospital', source: 'web',
  outcome: null, received, due: received, replied: null, state: 'open', escalated: false, reserved: false, codes: [],
  verdict: null, verdictSource: null, redo: false, ...extra,
});

describe('ADRG report', () => {
  it('covers Dec–Jun for mid-July and Jul–Nov for mid-December, without gaps', () => {
    expect(adrgReportWindow(parseHalf('2026H1'))).toEqual({ from: '2025-12-01', to: '2026-06-30', due: '2026-07-15' });
    expect(adrgReportWindow(parseHalf('2026H2'))).toEqual({ from: '2026-07-01', to: '2026-11-30', due: '2026-12-15' });
    expect(adrgReportWindow(parseHalf('2027H1')).from).toBe('2026-12-01');
    expect(() => parseHalf('2026Q1')).toThrow('半年格式应为 2026H1 或 2026H2');
  });

  it('lists grouping opinions and any opinion naming a grouping code, by ADRG', () => {
    const rows = adrgReportRows(
      [
        fact('A', '2026-03-01', { codes: [{ code: 'FM19', kind: 'drg' }, { code: 'HQY', kind: 'ambiguous' }], outcome: 'reserved', reserved: true }),
        fact('B', '2026-02-01', { category: 'core-elements', codes: [{ code: 'FM1', kind: 'adrg' }], escalated: true }),
        fact('C', '2026-01-01', { category: 'policy', codes: [{ code: 'I21.000', kind: 'icd10' }] }),
        fact('D', '2026-01-05', {}),
      ],
      (c) => ({ FM1: '经皮冠状动脉支架植入', HQY: '肝胆胰系统歧义组' })[c],
    );
    expect(rows.map((r) => [r.adrg, r.code, r.outcome, r.escalated, r.reserved])).toEqual([
      ['FM1', 'B', '办理中', true, false],
      ['FM1', 'A', '暂不采纳并留用', false, true],
      ['HQY', 'A', '暂不采纳并留用', false, true],
      ['未注明', 'D', '办理中', false, false],
    ]);
    expect(adrgReportCsv(rows).split('\r\n')[1]).toBe('FM1,经皮冠状动脉支架植入,B,意见B,2026-02-01,办理中,是,');
  });
});
