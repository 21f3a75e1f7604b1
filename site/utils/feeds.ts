/** RSS items for the feeds (/rss.xml, /replies/rss.xml, /announcements/rss.xml); newest first. */
import type { RSSFeedItem } from '@astrojs/rss';
import { announcements, replies } from './collections.ts';
import { announcementTypeZh, categoryZh, outcomeZh, periodLabel, plainExcerpt } from './view.ts';

/** How many items a feed carries: readers poll often; older items stay on the list pages. */
export const feedSize = 50;

export async function replyItems(): Promise<RSSFeedItem[]> {
  return (await replies()).slice(0, feedSize).map((r) => ({
    title: r.data.title,
    link: `/replies/${r.id}/`,
    pubDate: r.data.replied,
    description: `【${categoryZh(r.data.category)}·${outcomeZh(r.data.outcome)}】${plainExcerpt(r.data.question, 160)}`,
    categories: ['意见答复', categoryZh(r.data.category)],
  }));
}

export async function announcementItems(): Promise<RSSFeedItem[]> {
  return (await announcements()).slice(0, feedSize).map((a) => ({
    title: a.data.title,
    link: `/announcements/${a.id}/`,
    pubDate: a.data.published,
    description: a.data.summary ?? `${announcementTypeZh(a.data.type)}（${periodLabel(a.data.period)}）`,
    categories: ['公告', announcementTypeZh(a.data.type)],
  }));
}

/** Both kinds merged by date. */
export async function allItems(): Promise<RSSFeedItem[]> {
  const items = [...(await announcementItems()), ...(await replyItems())];
  return items.sort((a, b) => (b.pubDate?.getTime() ?? 0) - (a.pubDate?.getTime() ?? 0)).slice(0, feedSize);
}
