/**
 * How a staff computer reaches the sealed personal records: over the staff API of the bureau's server
 * (STAFF_API_URL + STAFF_TOKEN, one token per person), or, on the embedded setup where the store is on this
 * machine, from the DATA_DIR store directly (logged as the local operator). Either way only sealed data travels;
 * `npm run contact` decrypts it here with the private key.
 */
import { userInfo } from 'node:os';
import type { PersonalRecords, RecordRef } from '../store/personal-records.ts';
import { refText } from '../store/personal-records.ts';
import type { AccessEntry } from '../store/personal-records.ts';

export interface FetchedRecord {
  ref: string;
  sealed: string | null;
  createdAt: string;
  erasedAt: string | null;
  erasedWhy?: string | null;
  /** Sealed mail attachments. */
  attachments?: { id: number; size: number; sealed: string }[];
}

export interface RecordsClient {
  where: string;
  read(ref: RecordRef): Promise<FetchedRecord | null>;
  add(ref: RecordRef, sealed: string): Promise<void>;
  erase(ref: RecordRef): Promise<boolean>;
  accessLog(limit: number): Promise<AccessEntry[]>;
}

export function remoteRecords(baseUrl: string, token: string, fetchImpl: typeof fetch = fetch): RecordsClient {
  const url = (path: string) => new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`).href;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetchImpl(url(path), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    return { status: res.status, data };
  };
  const ensure = (r: { status: number; data: Record<string, unknown> }, ok: number[]) => {
    if (!ok.includes(r.status)) throw new Error(`服务器答复 ${r.status}：${String(r.data.error ?? '')}`);
  };
  const path = (ref: RecordRef) => `api/staff/records/${encodeURIComponent(refText(ref))}`;
  return {
    where: baseUrl,
    async read(ref) {
      const r = await call('GET', path(ref));
      if (r.status === 404) return null;
      ensure(r, [200]);
      return r.data as unknown as FetchedRecord;
    },
    async add(ref, sealed) {
      ensure(await call('PUT', path(ref), { sealed }), [200]);
    },
    async erase(ref) {
      const r = await call('DELETE', path(ref));
      if (r.status === 404) return false;
      ensure(r, [200]);
      return true;
    },
    async accessLog(limit) {
      const r = await call('GET', `api/staff/access-log?limit=${limit}`);
      ensure(r, [200]);
      return r.data.entries as AccessEntry[];
    },
  };
}

export function localRecords(records: PersonalRecords, where: string): RecordsClient {
  const who = { person: `本机:${userInfo().username}`, tokenId: null };
  return {
    where,
    async read(ref) {
      const r = records.find(ref);
      if (!r) return null;
      await records.logRead(ref, who);
      return { ...r, attachments: r.trackingCode ? records.attachments(r.trackingCode) : [] };
    },
    async add(ref, sealed) {
      await records.add(ref, sealed, who);
    },
    erase: (ref) => records.erase(ref, 'request', who),
    async accessLog(limit) {
      return records.accessLog(limit);
    },
  };
}
