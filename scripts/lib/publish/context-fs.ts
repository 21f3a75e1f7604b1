/**
 * Node I/O for the publishing scripts: the policies replies may cite (content/policies frontmatter),
 * the code extractor of the triage helper when present, the opinion reader (who is believed, from the
 * environment), and command-line flags.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Bureau } from '../../../schemas/bureau.ts';
import { loadBureau } from '../bureau.ts';
import { listContentFiles } from '../content-fs.ts';
import { parseFrontmatter } from '../frontmatter.ts';
import { botLoginsFromEnv } from '../triage/cli.ts';
import { createOpinionReader, type OpinionReader } from '../triage/trust.ts';
import { formatOnlyCodes, type CodeExtractor } from './codes.ts';
import type { PublishMode } from './apply.ts';
import type { PolicyRef } from './reply.ts';

/** Every policy's id, title and 文号, for citation matching. */
export async function loadPolicyRefs(contentDir: string): Promise<PolicyRef[]> {
  const refs: PolicyRef[] = [];
  for (const file of await listContentFiles(contentDir, 'policies')) {
    const { data } = parseFrontmatter(await readFile(file, 'utf8'));
    if (typeof data.title !== 'string') continue;
    const id = file.slice(file.lastIndexOf('/policies/') + '/policies/'.length).replace(/\.mdx?$/, '');
    refs.push({ id: id || basename(file), title: data.title, docNumber: typeof data.docNumber === 'string' ? data.docNumber : undefined });
  }
  return refs;
}

const libDir = fileURLToPath(new URL('../', import.meta.url));

/** The triage helper's extractCodes (scripts/lib/classify/codes.ts, contracts.md), else the format-only stand-in. */
export async function loadCodeExtractor(): Promise<CodeExtractor> {
  const path = `${libDir}classify/codes.ts`;
  if (!existsSync(path)) return formatOnlyCodes;
  const mod = (await import(pathToFileURL(path).href)) as { extractCodes?: CodeExtractor };
  return mod.extractCodes ?? formatOnlyCodes;
}

/**
 * Reads an issue's opinion as triage believes it (scripts/lib/triage/trust.ts): the submission server's machine
 * block, a form filled by staff, or an opinion staff confirmed; anything else is left out. The system's accounts
 * come from TRIAGE_BOT_LOGIN / SUBMISSION_BOT_LOGIN, exactly as triage reads them.
 */
export async function loadOpinionReader(env: NodeJS.ProcessEnv = process.env, bureau: Bureau = loadBureau()): Promise<OpinionReader> {
  return createOpinionReader({ bureau, bots: botLoginsFromEnv(env) });
}

export interface PublishFlags {
  dryRun: boolean;
  budget: number;
  mode?: PublishMode;
  issues: number[];
  /** Other `--name value` pairs (e.g. --quarter 2026Q3). */
  values: Record<string, string>;
}

/** `--dry-run`, `--budget N`, `--mode files|commit|pr`, `--issue N` (repeatable), `--name value`. */
export function parseFlags(argv: string[], defaults: { budget: number }): PublishFlags {
  const flags: PublishFlags = { dryRun: false, budget: defaults.budget, issues: [], values: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [name, inline] = arg.startsWith('--') ? arg.slice(2).split('=', 2) : [undefined, undefined];
    if (!name) throw new Error(`无法识别的参数: ${arg}`);
    if (name === 'dry-run') {
      flags.dryRun = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} 需要一个值`);
    if (name === 'budget') flags.budget = positiveInt(name, value);
    else if (name === 'issue') flags.issues.push(positiveInt(name, value));
    else if (name === 'mode') {
      if (!['files', 'commit', 'pr'].includes(value)) throw new Error(`--mode 应为 files、commit 或 pr，收到 ${value}`);
      flags.mode = value as PublishMode;
    } else flags.values[name] = value;
  }
  return flags;
}

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} 应为正整数，收到 ${value}`);
  return n;
}
