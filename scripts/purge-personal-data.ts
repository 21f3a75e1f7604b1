/**
 * `npm run purge [-- --dry-run] [--budget N]`: erases the personal data of opinions closed more than
 * `personalDataRetentionMonths` (bureau.json) ago; the server also does this by itself every six hours. The
 * opinion, its reply and the statistics stay. --dry-run lists what would be erased.
 */
import { parseArgs } from 'node:util';
import { loadBureau } from './lib/bureau.ts';
import { dataPaths } from './lib/data-dir.ts';
import { erasingMailFiles, sweepMailFiles } from './lib/mail/eml-files-fs.ts';
import { purgePersonalData } from './lib/personal/retention.ts';
import { openDataStore } from './lib/store/data-store-fs.ts';
import { createPersonalRecords, refText } from './lib/store/personal-records.ts';

const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false }, budget: { type: 'string', default: '10000' } } });
const months = loadBureau().personalDataRetentionMonths;
const store = openDataStore(process.env, {}, () => {});
try {
  const dryRun = values['dry-run'];
  const now = new Date();
  const mailDir = dataPaths(process.env).mail;
  const records = erasingMailFiles(createPersonalRecords(store), mailDir);
  const r = await purgePersonalData(records, { now, months, dryRun, budget: Number(values.budget), who: 'npm run purge' });
  for (const d of r.due) console.log(`${dryRun ? '[dry-run] 将删除' : '已删除'} ${refText(d.ref)}（办结于 ${d.closedAt}，保存期限至 ${d.dueAt}）`);
  console.log(`${r.due.length} 条已超过办结后 ${months} 个月的保存期限；${dryRun ? '未删除（--dry-run）' : `删除 ${r.erased} 条`}${r.leftForNextRun ? `，${r.leftForNextRun} 条留待下次` : ''}。`);
  if (!dryRun) {
    const swept = await sweepMailFiles(mailDir, records, { now, months });
    if (swept) console.log(`删除 ${swept} 个已删除个人信息的意见或超过保存期限的邮件文件（${mailDir}）。`);
  }
} finally {
  store.close();
}
