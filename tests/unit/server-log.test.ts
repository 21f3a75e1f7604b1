/** The runtime's log (scripts/lib/submission/server-log.ts): one write per turn for info lines, order kept. */
import { describe, expect, it } from 'vitest';
import { createServerLog } from '../../scripts/lib/submission/server-log.ts';

const turn = () => new Promise((r) => setImmediate(r));

describe('server log', () => {
  it('writes the info lines of one turn together, in order, and a warning at once after them', async () => {
    const writes: { to: 'out' | 'err'; text: string }[] = [];
    const log = createServerLog({ out: (text) => writes.push({ to: 'out', text }), err: (text) => writes.push({ to: 'err', text }) });
    log('info', 'JY-2026-AAAAAA: 已登记为 #1');
    log('info', 'JY-2026-BBBBBB: 已登记为 #2');
    expect(writes).toEqual([]);
    await turn();
    expect(writes).toEqual([{ to: 'out', text: '[submit] JY-2026-AAAAAA: 已登记为 #1\n[submit] JY-2026-BBBBBB: 已登记为 #2\n' }]);
    log('info', 'JY-2026-CCCCCC: 已登记为 #3');
    log('warn', '跟踪系统暂时不可用');
    // The waiting info line goes first, then the warning, without waiting for the turn to end.
    expect(writes.slice(1)).toEqual([
      { to: 'out', text: '[submit] JY-2026-CCCCCC: 已登记为 #3\n' },
      { to: 'err', text: '[submit] 跟踪系统暂时不可用\n' },
    ]);
    await turn();
    expect(writes).toHaveLength(3);
  });
});
