/**
 * `npm run --silent decrypt -- <issue number | 查询码 | sealed string>`: shows staff the name and contact a submitter
 * gave, decrypted with the bureau's private key (BUREAU_PRIVATE_KEY = path of the PEM file; the development key in
 * DATA_DIR/keys otherwise). Reads the issue through the configured tracker (GitHub or local). Run it on a staff
 * machine only; the private key never goes on the web server. `--json` prints JSON.
 */
import { parseOpinionBlock } from './lib/opinion-block.ts';
import { isSealed, openSealed } from './lib/sealed.ts';
import { loadOpeningKey } from './lib/sealed-fs.ts';
import { parseTrackingCode } from './lib/submission/tracking-code.ts';
import { createTrackerFromEnv } from './lib/tracker/from-env.ts';

const args = process.argv.slice(2);
const json = args.includes('--json');
const target = args.filter((a) => a !== '--json').join(' ').trim();
if (!target) {
  console.error('用法：npm run --silent decrypt -- <议题编号 | 查询码 | sealed1.… 加密串> [--json]');
  process.exit(2);
}

async function sealedFor(input: string): Promise<{ sealed: string; where: string }> {
  if (isSealed(input)) return { sealed: input, where: '加密串' };
  const tracker = await createTrackerFromEnv();
  const code = parseTrackingCode(input);
  const issue = /^#?\d+$/.test(input) ? await tracker.getIssue(Number(input.replace('#', ''))) : code ? await tracker.findIssueByMarker(code.code) : null;
  if (!issue) throw new Error(`找不到议题 ${input}`);
  const record = parseOpinionBlock(issue.body);
  const sealed = record?.sealedContact ?? /sealed1\.[\w.-]+/.exec(issue.body)?.[0];
  if (!sealed) throw new Error(`议题 #${issue.number} 没有加密的联系方式`);
  return { sealed, where: `议题 #${issue.number}（${record?.trackingCode ?? '无查询码'}）` };
}

try {
  const { sealed, where } = await sealedFor(target);
  const contact = openSealed(sealed, loadOpeningKey());
  if (json) console.log(JSON.stringify(contact));
  else {
    console.log(`${where}\n填报人：${contact.name}\n联系方式：${contact.contact}`);
    // Present when the submitted text held personal data that the issue shows masked.
    if (contact.original) console.log(`\n原文标题：${contact.original.title}\n原文内容：\n${contact.original.details}`);
  }
} catch (e) {
  console.error(`解密失败：${(e as Error).message}`);
  process.exit(1);
}
