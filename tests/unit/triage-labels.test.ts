import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { labelsAsCode } from '../../scripts/lib/labels.ts';
import { labelsFile, parseLabelsFile, planLabelSync, renderLabelsFile } from '../../scripts/lib/triage/labels-sync.ts';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github-standin.ts';
import { standInEnv } from '../support/github-tracker.ts';

let gh: GitHubStandIn | undefined;
afterEach(async () => {
  await gh?.close();
  gh = undefined;
});

describe('labels as code', () => {
  it('.github/labels.json is exactly what scripts/lib/labels.ts defines', () => {
    expect(readFileSync(labelsFile, 'utf8')).toBe(renderLabelsFile(labelsAsCode()));
    const names = parseLabelsFile(readFileSync(labelsFile, 'utf8')).map((l) => l.name);
    expect(names).toEqual(expect.arrayContaining(['分类:分组技术类', '承办:医保经办机构', '报送上级', '分类待确认', '逾期', '逾期督办', '结果:暂不采纳并留用', '已答复']));
  });

  it('rejects a broken file naming the entry and field', () => {
    expect(() => parseLabelsFile('[{"name":"x","color":"#fff","description":""}]')).toThrow('.github/labels.json[0].color');
  });

  it('plans creates and fixes, never deletions', () => {
    const plan = planLabelSync(
      [{ name: 'a', color: '111111', description: 'A' }, { name: 'b', color: '222222', description: 'B' }, { name: 'c', color: '333333', description: 'C' }],
      [{ name: 'b', color: '222222', description: 'B' }, { name: 'c', color: 'FFFFFF', description: 'C' }, { name: 'mine', color: '000000', description: '' }],
    );
    expect(plan.create.map((l) => l.name)).toEqual(['a']);
    expect(plan.update.map((u) => u.label.name)).toEqual(['c']);
    expect(plan.unchanged).toBe(1);
  });

  it('npm run labels:sync syncs the stand-in repository within its budget, then finishes', async () => {
    gh = await startGitHubStandIn();
    const env = { PATH: process.env.PATH ?? '', ...standInEnv(gh) };
    // Asynchronous child: the stand-in answers from this process's event loop.
    const run = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, ['scripts/sync-labels.ts', ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
        let stdout = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.on('close', (status) => resolve({ status, stdout }));
      });
    const total = labelsAsCode().length;

    expect((await run('--dry-run')).stdout).toContain(`${total} to create`);
    expect(gh.state.labels).toEqual([]);

    const first = await run('--budget', '5');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`operations budget (5) exhausted: ${total - 5} label(s) not synced`);
    expect(gh.state.labels).toHaveLength(5);

    gh.state.labels[0].color = 'ffffff'; // someone recoloured a label by hand
    const second = await run();
    expect(second.stdout).toContain(`${total - 5} to create, 1 to update`);
    const third = await run();
    expect(third.stdout).toContain(`0 to create, 0 to update, ${total} unchanged`);
    expect(gh.state.labels.find((l) => l.name === '报送上级')).toMatchObject({ color: 'd93f0b', description: expect.stringContaining('上级') });
  });
});
