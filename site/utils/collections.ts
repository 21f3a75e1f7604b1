/**
 * The site's view of the content collections, loaded once per build and shared by every page:
 * replies newest first, only announcements whose publish date has come, lookups by id.
 * getStaticPaths runs per route; caching here keeps a 10,000-reply build linear.
 */
import { getCollection, type CollectionEntry } from 'astro:content';
import { chinaToday, isPublished } from './view.ts';

export type PolicyEntry = CollectionEntry<'policies'>;
export type ReplyEntry = CollectionEntry<'replies'>;
export type AnnouncementEntry = CollectionEntry<'announcements'>;

/**
 * The day this build publishes for. BUILD_DATE=YYYY-MM-DD pins it (reproducible builds, tests of
 * future-dated announcements); otherwise today in China.
 */
export function buildDate(env: NodeJS.ProcessEnv = process.env): Date {
  if (env.BUILD_DATE) {
    const pinned = new Date(`${env.BUILD_DATE}T00:00:00Z`);
    if (Number.isNaN(pinned.getTime())) throw new Error(`BUILD_DATE: 日期格式应为 YYYY-MM-DD，收到 ${env.BUILD_DATE}`);
    return pinned;
  }
  return chinaToday();
}

const byDateDesc = <T>(date: (x: T) => Date, id: (x: T) => string) => (a: T, b: T) =>
  date(b).getTime() - date(a).getTime() || id(a).localeCompare(id(b));

let policiesCache: Promise<PolicyEntry[]> | undefined;
/** Policies, newest issue date first. */
export function policies(): Promise<PolicyEntry[]> {
  return (policiesCache ??= getCollection('policies').then((all) => all.sort(byDateDesc((p) => p.data.issued, (p) => p.id))));
}

let repliesCache: Promise<ReplyEntry[]> | undefined;
/** Replies, newest reply date first. */
export function replies(): Promise<ReplyEntry[]> {
  return (repliesCache ??= getCollection('replies').then((all) => all.sort(byDateDesc((r) => r.data.replied, (r) => r.id))));
}

let announcementsCache: Promise<AnnouncementEntry[]> | undefined;
/** Announcements already published on the build date, newest first; future-dated ones are left out everywhere. */
export function announcements(): Promise<AnnouncementEntry[]> {
  const today = buildDate();
  return (announcementsCache ??= getCollection('announcements', (a) => isPublished(a.data.published, today)).then((all) =>
    all.sort(byDateDesc((a) => a.data.published, (a) => a.id)),
  ));
}

let policyMapCache: Promise<Map<string, PolicyEntry>> | undefined;
export function policyById(): Promise<Map<string, PolicyEntry>> {
  return (policyMapCache ??= policies().then((all) => new Map(all.map((p) => [p.id, p]))));
}

/** `collection/id` → { title, href } for every page that exists (related items, citations). */
export interface Ref { title: string; href: string; kind: string }
let refsCache: Promise<Map<string, Ref>> | undefined;
export function refs(): Promise<Map<string, Ref>> {
  return (refsCache ??= (async () => {
    const map = new Map<string, Ref>();
    for (const p of await policies()) map.set(`policies/${p.id}`, { title: p.data.title, href: `/policies/${p.id}/`, kind: '政策文件' });
    for (const r of await replies()) map.set(`replies/${r.id}`, { title: r.data.title, href: `/replies/${r.id}/`, kind: '意见答复' });
    for (const a of await announcements()) map.set(`announcements/${a.id}`, { title: a.data.title, href: `/announcements/${a.id}/`, kind: '公告' });
    for (const s of await getCollection('summaries')) map.set(`summaries/${s.id}`, { title: s.data.title, href: `/summaries/${s.id}/`, kind: '季度汇总' });
    return map;
  })());
}

let citedByCache: Promise<Map<string, ReplyEntry[]>> | undefined;
/** Policy id → replies that cite it (shown as related items on the policy page). */
export function repliesCitingPolicy(): Promise<Map<string, ReplyEntry[]>> {
  return (citedByCache ??= replies().then((all) => {
    const map = new Map<string, ReplyEntry[]>();
    for (const r of all) for (const c of r.data.cites) {
      const id = c.slice('policies/'.length);
      map.set(id, [...(map.get(id) ?? []), r]);
    }
    return map;
  }));
}
