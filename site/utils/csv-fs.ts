/**
 * Reads an announcement's CSV data table from the file beside it at build time (issue 5: "data tables
 * may come from CSV beside it"). A missing or empty file stops the build with the file named.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseCsv } from './view.ts';

export function readCsvBeside(entryFile: string, csv: string): { columns: string[]; rows: string[][] } {
  const path = resolve(dirname(resolve(entryFile)), csv);
  if (!existsSync(path)) throw new Error(`${entryFile}: tables.csv: 找不到数据表文件 ${csv}（应放在公告文件同一目录）`);
  const [columns, ...rows] = parseCsv(readFileSync(path, 'utf8'));
  if (!columns) throw new Error(`${entryFile}: tables.csv: 数据表文件 ${csv} 是空的`);
  return { columns, rows };
}
