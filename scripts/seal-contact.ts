/**
 * `npm run --silent seal -- "<填报人>" "<联系方式>"`: prints the sealed string staff paste into the issue form
 * for opinions received by mail, phone or meetings, so the name and contact never appear in clear text in the
 * tracker either (sealed to BUREAU_PUBLIC_KEY, or the development key in DATA_DIR/keys).
 */
import { seal } from './lib/sealed.ts';
import { loadSealingKey } from './lib/sealed-fs.ts';

const [name, contact] = process.argv.slice(2);
if (!name || !contact) {
  console.error('用法：npm run --silent seal -- "<填报人>" "<联系方式>"');
  process.exit(2);
}
console.log(seal({ name: name.trim(), contact: contact.trim() }, loadSealingKey(process.env, (m) => console.error(m))));
