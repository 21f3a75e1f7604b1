/**
 * `npm run --silent contact -- <查询码 | #议题编号>`: shows a member of staff, on their own computer, the name,
 * contact and original text of an opinion. The sealed record comes from the bureau's server over the staff API
 * (STAFF_API_URL, STAFF_TOKEN) or, on the embedded setup, from the DATA_DIR store; it is decrypted here with
 * BUREAU_PRIVATE_KEY, which never leaves this computer. Every read is logged on the server.
 *   --add <ref> "<填报人>" "<联系方式>"   store the contact of an opinion received offline (sealed here first)
 *   --erase <ref>                        erase it at the submitter's request (the opinion and reply stay)
 *   --log [N]                            the access log (the person in charge)
 *   --attachments [folder]               also save the attachments of a mailed opinion (default: current folder)
 *   --json                               machine-readable output
 */
import { parseArgs } from 'node:util';
import { parseRecordRef } from './lib/personal/staff-api.ts';
import { localRecords, remoteRecords, type RecordsClient } from './lib/personal/records-client.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { openSealed, openSealedText, seal } from './lib/sealed.ts';
import { loadOpeningKey, loadSealingKey } from './lib/sealed-fs.ts';
import { dataPaths } from './lib/data-dir.ts';
import { openDataStore } from './lib/store/data-store-fs.ts';
import { erasingMailFiles } from './lib/mail/eml-files-fs.ts';
import { createPersonalRecords } from './lib/store/personal-records.ts';
import { renderContact } from './lib/personal/contact-view.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { add: { type: 'boolean' }, erase: { type: 'boolean' }, log: { type: 'boolean' }, json: { type: 'boolean' }, attachments: { type: 'string' } } });
const usage = '用法：npm run --silent contact -- <查询码 | #议题编号> [--json] | --add <查询码|#编号> "<填报人>" "<联系方式>" | --erase <查询码|#编号> | --log [条数]';
const env = process.env;
const client: RecordsClient =
  env.STAFF_API_URL && env.STAFF_TOKEN
    ? remoteRecords(env.STAFF_API_URL, env.STAFF_TOKEN)
    : localRecords(erasingMailFiles(createPersonalRecords(openDataStore(env, {}, () => {})), dataPaths(env).mail), dataPaths(env).store);

try {
  if (values.log) {
    const entries = await client.accessLog(Number(positionals[0] ?? 100));
    console.log(values.json ? JSON.stringify(entries) : entries.map((e) => `${e.at}\t${e.person}\t${e.action}\t${e.record}`).join('\n') || '（没有访问记录）');
    process.exit(0);
  }
  const ref = parseRecordRef(positionals[0] ?? '');
  if (!ref) throw new Error(usage);
  if (values.add) {
    const [, name, contact] = positionals;
    if (!name?.trim() || !contact?.trim()) throw new Error(usage);
    await client.add(ref, seal({ name: name.trim(), contact: contact.trim() }, loadSealingKey(env, (m) => console.error(m))));
    console.log(`已保存 ${positionals[0]} 的填报人和联系方式（加密保存在 ${client.where}，不进入议题）`);
  } else if (values.erase) {
    console.log((await client.erase(ref)) ? `已删除 ${positionals[0]} 的个人信息；意见、答复和统计保留。` : `没有 ${positionals[0]} 的未删除的个人信息。`);
  } else {
    const record = await client.read(ref);
    if (!record) throw new Error(`没有 ${positionals[0]} 的个人信息记录（${client.where}）`);
    if (!record.sealed) {
      console.log(`${record.ref} 的个人信息已于 ${record.erasedAt} 删除（${record.erasedWhy === 'retention' ? '超过保存期限' : '应本人要求'}）。`);
    } else {
      const key = loadOpeningKey(env);
      const opened = openSealed(record.sealed, key);
      console.log(values.json ? JSON.stringify({ ref: record.ref, ...opened }) : renderContact(record.ref, opened));
      if (values.attachments !== undefined) {
        const dir = resolve(process.env.INIT_CWD ?? process.cwd(), values.attachments || '.');
        mkdirSync(dir, { recursive: true });
        for (const a of record.attachments ?? []) {
          const file = JSON.parse(openSealedText(a.sealed, key)) as { filename: string; content: string };
          const path = join(dir, `${a.id}-${basename(file.filename).replace(/[\\/:*?"<>|]/g, '_')}`);
          writeFileSync(path, Buffer.from(file.content, 'base64'));
          console.log(`附件已保存：${path}`);
        }
      } else if (record.attachments?.length) console.log(`\n另有 ${record.attachments.length} 个附件：加 --attachments <文件夹> 保存到本机。`);
    }
  }
} catch (e) {
  console.error((e as Error).message);
  process.exit(1);
}
