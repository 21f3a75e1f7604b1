/**
 * The .eml files written when no SMTP server is configured (transport-fs.ts, DATA_DIR/mail) hold a submitter's
 * address and what was sent to them in clear text, outside the sealed store. So they go when the opinion's
 * personal data goes (《个人信息保护法》第四十七条: deleted once the purpose is served): erasing a record, at the
 * submitter's request or when the retention period ends, deletes the files of its tracking code; the purge also
 * sweeps the files of erased opinions left behind (a failed delete) and the files that belong to no opinion
 * (answers to mail that could not be read) once they are as old as the retention period.
 */
import { readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { addMonths } from '../personal/retention.ts';
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

/** Deletes a file; false when it was already gone. */
const removeFile = (path: string) =>
  unlink(path).then(
    () => true,
    (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? false : Promise.reject(e)),
  );

/** Deletes the mail files of one opinion; returns how many. */
export async function removeMailFilesOf(dir: string, trackingCode: string): Promise<number> {
  let removed = 0;
  for (const n of await emlFiles(dir)) if (codeInName.exec(n)?.[1] === trackingCode && (await removeFile(join(dir, n)))) removed++;
  return removed;
}

/**
 * The purge's sweep: deletes the files of opinions whose personal data is erased (whatever stopped them going at
 * the erasure), and the files that name no opinion once last written `months` before `now`. Returns how many.
 */
export async function sweepMailFiles(dir: string, records: Pick<PersonalRecords, 'find'>, opts: { now: Date; months: number }): Promise<number> {
  const before = addMonths(opts.now.toISOString(), -opts.months);
  let removed = 0;
  for (const n of await emlFiles(dir)) {
    const code = codeInName.exec(n)?.[1];
    const path = join(dir, n);
    const due = code ? !!records.find({ trackingCode: code })?.erasedAt : await stat(path).then((s) => s.mtime < before, () => false);
    if (due && (await removeFile(path))) removed++;
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
