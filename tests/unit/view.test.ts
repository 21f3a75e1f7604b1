import { describe, expect, it } from 'vitest';
import { zhIssued } from '../../site/utils/view.ts';

describe('issue dates on policy pages', () => {
  it('shows the day when the source printed it', () => {
    expect(zhIssued(new Date('2024-07-10T00:00:00Z'), 'day')).toEqual({ text: '2024年7月10日', datetime: '2024-07-10' });
  });

  it('never invents a day for a document dated only by year', () => {
    expect(zhIssued(new Date('2024-01-01T00:00:00Z'), 'year')).toEqual({ text: '2024年（未注明具体日期）', datetime: '2024' });
  });
});
