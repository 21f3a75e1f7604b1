/**
 * Issue 10: a configured file that is missing or unreadable (code list, holidays, keys) is an error naming the file
 * and the setting, in `npm run validate` and at server start (tests/http/startup.test.ts), never a silent fall-back.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCodeList } from '../../scripts/lib/code-list-fs.ts';
import { configuredFileProblems } from '../../scripts/lib/settings-files-fs.ts';

const tmp = mkdtempSync(join(tmpdir(), 'settings-'));

describe('configured files', () => {
  it('ships the national ADRG list as the code list in force, so FM99 gets a nearest known code', () => {
    const list = loadCodeList({})!;
    expect(list.size).toBe(409);
    expect(list.name('FM19')).toBeTruthy();
    expect(list.has('FM99')).toBe(false);
    expect(list.nearest('FM99')[0].code).toMatch(/^FM\d$/);
  });

  it('names the setting and the file when the code list is missing, empty, or a key file is unreadable', () => {
    expect(configuredFileProblems({})).toEqual([]);
    expect(configuredFileProblems({ CODE_LIST_PATH: 'content/settings/codes/nope.tsv' })).toEqual([`CODE_LIST_PATH: 分组代码表 ${resolve('content/settings/codes/nope.tsv')} 不存在`]);
    const empty = join(tmp, 'empty.tsv');
    writeFileSync(empty, 'code\tname\n');
    expect(configuredFileProblems({ CODE_LIST_PATH: empty })[0]).toMatch(/CODE_LIST_PATH: 分组代码表 .*empty\.tsv 中没有代码/);
    expect(configuredFileProblems({ BUREAU_PUBLIC_KEY: join(tmp, 'missing.pem') })[0]).toMatch(/^BUREAU_PUBLIC_KEY=.*missing\.pem: 读取密钥文件失败/);
    const notKey = join(tmp, 'not-a-key.pem');
    writeFileSync(notKey, '-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----\n');
    expect(configuredFileProblems({ BUREAU_PUBLIC_KEY: notKey })[0]).toMatch(/^BUREAU_PUBLIC_KEY=.*: 不是有效的密钥/);
  });

  it('fails npm run validate with that line', () => {
    const r = spawnSync(process.execPath, ['scripts/validate-content.ts'], { env: { ...process.env, CODE_LIST_PATH: 'content/settings/codes/nope.tsv' }, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('CODE_LIST_PATH: 分组代码表');
    expect(r.stderr).toContain('nope.tsv 不存在');
  });
});
