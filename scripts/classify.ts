/**
 * Classifies opinions from JSON lines on stdin, one result line each on stdout (protocol: scripts/lib/classify/jsonl.ts).
 *   npm run --silent classify < opinions.jsonl > result.jsonl
 * Routing comes from content/settings/bureau.json; codes are named from the configured code list
 * (CODE_LIST_PATH or bureau.json codeListPath). Exit 1 when any line was malformed (reported on stderr).
 */
import { createInterface } from 'node:readline';
import { loadBureau } from './lib/bureau.ts';
import { loadCodeList } from './lib/code-list-fs.ts';
import { createClassifier } from './lib/classify/classifier.ts';
import { classifyLine, isClassifyError } from './lib/classify/jsonl.ts';

const classifier = createClassifier({ routing: loadBureau().routing, codeList: loadCodeList() });
let lineNumber = 0;
let failed = 0;
const out: string[] = [];
const flush = () => (out.length ? (process.stdout.write(out.join('')), (out.length = 0)) : undefined);

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  const result = classifyLine(classifier, line, ++lineNumber);
  if (!result) continue;
  if (isClassifyError(result)) {
    failed++;
    process.stderr.write(`classify: ${result.error}\n`);
  }
  out.push(`${JSON.stringify(result)}\n`);
  if (out.length >= 500) flush();
}
flush();
if (failed) {
  process.stderr.write(`classify: ${failed} 行输入有误，已在对应输出行给出 error 对象\n`);
  process.exitCode = 1;
}
