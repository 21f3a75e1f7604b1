/**
 * `npm run staff-token -- <command>`, on the bureau's server: the tokens staff use to fetch sealed personal records
 * (npm run contact). One per person; only a hash is stored, so a token is shown once, when made.
 *   add <姓名> [--lead]   make a token (--lead: the person in charge of personal data, who may read the access log)
 *   revoke <编号>         revoke one at once (a lost laptop, someone leaving)
 *   list                  who holds which token
 *   log [条数]            the access log: who read, added or erased which record, when
 */
import { parseArgs } from 'node:util';
import { openDataStore } from './lib/store/data-store-fs.ts';
import { createPersonalRecords } from './lib/store/personal-records.ts';
import { createStaffTokens } from './lib/store/staff-tokens.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { lead: { type: 'boolean' } } });
const [command, arg] = positionals;
const store = openDataStore(process.env, {}, () => {});
const tokens = createStaffTokens(store);
try {
  if (command === 'add' && arg) {
    const { token, id } = await tokens.issue(arg, values.lead ? 'lead' : 'staff');
    console.log(`令牌 #${id}（${arg}${values.lead ? '，个人信息保护负责人' : ''}）：\n${token}\n只显示这一次：请交给本人，设为其电脑上的 STAFF_TOKEN。`);
  } else if (command === 'revoke' && arg) {
    console.log((await tokens.revoke(Number(arg))) ? `已撤销令牌 #${arg}` : `没有未撤销的令牌 #${arg}`);
  } else if (command === 'list') {
    for (const t of tokens.list()) console.log(`#${t.id}\t${t.person}\t${t.role}\t${t.createdAt}\t${t.revokedAt ? `已撤销 ${t.revokedAt}` : '有效'}`);
  } else if (command === 'log') {
    for (const e of createPersonalRecords(store).accessLog(Number(arg ?? 100))) console.log(`${e.at}\t${e.person}\t${e.action}\t${e.record}`);
  } else {
    console.error('用法：npm run staff-token -- add <姓名> [--lead] | revoke <编号> | list | log [条数]');
    process.exitCode = 2;
  }
} finally {
  store.close();
}
