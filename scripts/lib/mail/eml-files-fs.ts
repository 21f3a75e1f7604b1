/**
 * The .eml files written when no SMTP server is configured (transport-fs.ts, DATA_DIR/mail) hold a submitter's
 * address and what was sent to them in clear text, outside the sealed store. So they go when the opinion's
 * personal data goes (《个人信息保护法》第四十七条: deleted once the purpose is served): erasing a record, at the
 * submitter's request or when the retention period ends, deletes the files of its tracking code, and the purge
 * deletes the files that belong to no opinion (answers to mail that could not be read) once they are as old as
 * the retention period.
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { PersonalRecords } from '../store/personal-records.ts';

/** A tracking code as emlFileName writes it into a file name (the code's own characters survive unchanged). */
const codeInName = /(?:^|-)([A-Z]{2,4}-\d{4}-[0-9A-Z]{6})(?=-|\.eml$)/;

async function emlFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith('.eml'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Deletes the mail files of one opinion; returns how many. */
export async function removeMailFilesOf(dir: string, trackingCode: string): Promise<number> {
  const mine = (await emlFiles(dir)).filter((n) => codeInName.exec(n)?.[1] === trackingCode);
  for (const n of mine) await unlink(join(dir, n)).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
  return mine.length;
}

/** Deletes the mail files that name no tracking code and were last written before `before`; returns how many. */
export async function removeUnclaimedMailFiles(dir: string, before: Date): Promise<number> {
  let removed = 0;
  for (const n of await emlFiles(dir)) {
    if (codeInName.test(n)) continue;
    const path = join(dir, n);
    const written = await stat(path).then((s) => s.mtime, () => null);
    if (written && written < before) {
      await unlink(path).catch(() => {});
      removed++;
    }
  }
  return removed;
}

/** The same records, whose erase also deletes the opinion's mail files under `dir`. */
export function erasingMailFiles(records: PersonalRecords, dir: string): PersonalRecords {
  return {
    ...records,
    async erase(ref, why, who) {
      const code = records.find(ref)?.trackingCode;
      const erased = await records.erase(ref, why, who);
      if (erased && code) await removeMailFilesOf(dir, code);
      return erased;
    },
  };
}
