/**
 * Content in, errors out: a bad frontmatter stops both `npm run validate` and the real Astro build with
 * the file and the field named (issue 2); the committed content/ is valid, cross-links resolve, the
 * seed documents are exactly what the importer produces, and the words search must find are in the text.
 */
import { stripVTControlCharacters } from 'node:util';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateContentDir } from '../../scripts/lib/content-fs.ts';
import { parseFrontmatter } from '../../scripts/lib/frontmatter.ts';
import { planImport, renderPlan } from '../../scripts/lib/import-notice.ts';
import { seedDocuments, seedProvenance } from '../../scripts/lib/seed-documents.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const contentRoot = join(repoRoot, 'content');
const badDir = join(repoRoot, 'tests/fixtures/content-bad');
const badFile = 'tests/fixtures/content-bad/policies/bad-status.md';

const read = (collection: string, id: string) => parseFrontmatter(readFileSync(join(contentRoot, collection, `${id}.md`), 'utf8'));

describe('validateContentDir', () => {
  it('fails on the bad fixture, naming the file and the field', async () => {
    const { files, problems } = await validateContentDir(badDir, repoRoot);
    expect(files).toBe(1);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${badFile}: status: `));
    expect(problems[0]).toContain('"in-force"');
  });

  it('passes on the real content/ folder with zero problems', async () => {
    const { files, problems } = await validateContentDir(contentRoot, repoRoot);
    expect(problems).toEqual([]);
    expect(files).toBeGreaterThanOrEqual(5);
  });
});

describe('the committed content', () => {
  it.each(seedDocuments.map((s) => [s.options.id, s] as const))('%s is exactly what `npm run import:seeds` writes', (_id, seed) => {
    const plan = planImport(readFileSync(resolve(repoRoot, 'tests/fixtures/seeds', seed.file), 'utf8'), { ...seed.options, sourceName: seed.file, provenance: seedProvenance(seed) });
    expect(readFileSync(join(contentRoot, plan.path), 'utf8')).toBe(renderPlan(plan));
  });

  it('links only to items that exist (policy `related`, reply `cites`)', async () => {
    const links: string[] = [];
    for (const seed of seedDocuments) {
      const { data } = read(seed.options.collection ?? 'policies', seed.options.id);
      links.push(...((data.related as string[] | undefined) ?? []), ...((data.cites as string[] | undefined) ?? []));
    }
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((link) => !existsSync(join(contentRoot, `${link}.md`)))).toEqual([]);
  });

  it('keeps in the page text the words search must find (issue 2)', () => {
    const body = (collection: string, id: string) => read(collection, id).body;
    expect(body('policies', 'jilin-2024-14')).toContain('特例单议');
    expect(body('policies', 'taizhou-2024-65')).toContain('月告知');
    expect(body('replies', 'sichuan-2025-drg-settlement-proposal')).toContain('起付线');
    expect(body('policies', 'jiyuan-feedback-mechanism-draft')).toContain('歧义组');
  });

  it('publishes no personal name of the proposer in the reply', () => {
    const text = readFileSync(join(contentRoot, 'replies/sichuan-2025-drg-settlement-proposal.md'), 'utf8');
    const source = readFileSync(resolve(repoRoot, 'tests/fixtures/seeds/sichuan-reply-to-proposal-2025.txt'), 'utf8');
    const name = /^([\u4e00-\u9fff]{2,4})委员[:：]/m.exec(source)![1];
    expect(text).not.toContain(name);
    expect(text).toContain('提案人：');
  });

  it('has no placeholder policy left', () => {
    expect(existsSync(join(contentRoot, 'policies/sample.md'))).toBe(false);
  });
});

describe('astro build', () => {
  it('stops on the bad fixture and names the file and the field', { timeout: 240_000 }, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'content-bad-build-'));
    try {
      const result = spawnSync(join(repoRoot, 'node_modules/.bin/astro'), ['build'], {
        cwd: repoRoot,
        encoding: 'utf8',
        timeout: 220_000,
        env: {
          ...process.env,
          // Astro 7 needs Node >= 22.12: the project's own Node (devDependency) comes first on PATH.
          PATH: [join(repoRoot, 'node_modules/.bin'), process.env.PATH].join(delimiter),
          CONTENT_DIR: badDir,
          ASTRO_OUT_DIR: join(tmp, 'dist'),
          ASTRO_CACHE_DIR: join(tmp, 'cache'),
        },
      });
      // Under CI=true Astro's logger colours its output (picocolors honours CI): compare the plain text.
      const output = stripVTControlCharacters(`${result.stdout}\n${result.stderr}`);
      expect(result.status, output).not.toBe(0);
      expect(output).toContain('InvalidContentEntryDataError');
      expect(output).toContain(join(repoRoot, badFile));
      expect(output).toMatch(/status: Invalid option: expected one of "draft"\|"in-force"\|"repealed"/);
      expect(existsSync(join(tmp, 'dist/client/index.html'))).toBe(false);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
