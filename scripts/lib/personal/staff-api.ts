/**
 * The staff API over personal records (pure: the endpoint in site/pages/api/staff/ passes the request in and
 * sends the answer back). Staff computers fetch a record's sealed data with their own token and decrypt it
 * locally (npm run contact); the private key never reaches the server. Every answer that hands out or changes a
 * record is logged with who, when and which record, and so is every refusal of a token.
 *
 *   GET    /api/staff/records/<查询码 | 议题编号>   → { ref, sealed, attachments: [{ id, size, sealed }], createdAt, erasedAt }
 *   PUT    /api/staff/records/<…>   { "sealed": "sealed1.…" }   (offline opinions staff entered by hand)
 *   DELETE /api/staff/records/<…>   erase at the submitter's request
 *   GET    /api/staff/access-log?limit=N   (lead tokens only)
 */
import { isSealed } from '../sealed.ts';
import type { PersonalRecords, RecordRef, Who } from '../store/personal-records.ts';
import type { StaffTokens } from '../store/staff-tokens.ts';
import { parseTrackingCode } from '../submission/tracking-code.ts';

export interface StaffApiDeps {
  records: PersonalRecords;
  tokens: StaffTokens;
}

export interface StaffApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** `JY-2026-7K3M9Q` (any spelling people type) or `#12` / `12`; null when it is neither. */
export function parseRecordRef(text: string): RecordRef | null {
  const t = text.trim();
  if (/^#?\d{1,9}$/.test(t)) return { issueNumber: Number(t.replace('#', '')) };
  const code = parseTrackingCode(t);
  return code ? { trackingCode: code.code } : null;
}

const bearer = (header: string | null) => (header && header.startsWith('Bearer ') ? header.slice(7).trim() : null);
const fail = (status: number, message: string): StaffApiAnswer => ({ status, body: { error: message } });

function authenticate(deps: StaffApiDeps, authorization: string | null) {
  return deps.tokens.authenticate(bearer(authorization));
}

export async function handleRecordRequest(
  deps: StaffApiDeps,
  req: { method: string; ref: string; authorization: string | null; body?: unknown },
): Promise<StaffApiAnswer> {
  const holder = authenticate(deps, req.authorization);
  if (!holder) {
    await deps.records.logRefused(req.ref, { person: '(无效令牌)', tokenId: null });
    return fail(401, '需要有效的工作人员令牌（Authorization: Bearer drgs_…）；令牌可能已被撤销');
  }
  const who: Who = { person: holder.person, tokenId: holder.id };
  const ref = parseRecordRef(req.ref);
  if (!ref) return fail(400, `“${req.ref.slice(0, 40)}”不是查询码或议题编号`);
  switch (req.method) {
    case 'GET': {
      const record = deps.records.find(ref);
      if (!record) return fail(404, `没有 ${req.ref} 的个人信息记录`);
      await deps.records.logRead(ref, who);
      const attachments = record.trackingCode ? deps.records.attachments(record.trackingCode) : [];
      return { status: 200, body: { ref: record.ref, sealed: record.sealed, attachments, createdAt: record.createdAt, erasedAt: record.erasedAt, erasedWhy: record.erasedWhy } };
    }
    case 'PUT': {
      const sealed = (req.body as { sealed?: unknown } | undefined)?.sealed;
      if (typeof sealed !== 'string' || !isSealed(sealed)) return fail(400, '请提交加密后的联系方式：{"sealed": "sealed1.…"}（由 npm run contact -- --add 在本机加密）');
      try {
        const record = await deps.records.add(ref, sealed, who);
        return { status: 200, body: { ref: record.ref, createdAt: record.createdAt } };
      } catch (e) {
        return fail(409, (e as Error).message);
      }
    }
    case 'DELETE': {
      const erased = await deps.records.erase(ref, 'request', who);
      return erased ? { status: 200, body: { ref: req.ref, erased: true } } : fail(404, `没有 ${req.ref} 的未删除的个人信息记录`);
    }
    default:
      return fail(405, '只支持 GET、PUT、DELETE');
  }
}

export async function handleAccessLogRequest(deps: StaffApiDeps, req: { authorization: string | null; limit: number }): Promise<StaffApiAnswer> {
  const holder = authenticate(deps, req.authorization);
  if (!holder) {
    await deps.records.logRefused('access-log', { person: '(无效令牌)', tokenId: null });
    return fail(401, '需要有效的工作人员令牌');
  }
  if (holder.role !== 'lead') return fail(403, '只有个人信息保护负责人的令牌可以查看访问记录');
  return { status: 200, body: { entries: deps.records.accessLog(Math.min(Math.max(1, req.limit || 100), 10_000)) } };
}
