/**
 * The announcement index behind the objection form (scripts/lib/announcement-index.ts): ids must be the ones
 * Astro gives the pages (the objection link is /submit?objection=announcements/<id>), and a future-dated
 * announcement must not be named before its day.
 */
import { describe, expect, it } from 'vitest';
import { announcementIndex, collectionId, publishedAnnouncementTitle } from '../../scripts/lib/announcement-index.ts';

const doc = (front: string) => `---\n${front}\n---\n正文\n`;

describe('announcement index', () => {
  it('derives the ids Astro derives', () => {
    expect(collectionId('2026-10-monthly.md')).toBe('2026-10-monthly');
    expect(collectionId('2026/Q3 Announcement.mdx')).toBe('2026/q3-announcement');
    expect(collectionId('2026/index.md')).toBe('2026');
  });

  it('keeps title, type, period and publish day, honours a slug, and leaves out files the schema rejects', () => {
    const index = announcementIndex([
      { path: 'b.md', text: doc('title: 2026年10月DRG付费月告知\ntype: monthly-notice\nperiod: 2026-10\npublished: 2026-10-28') },
      { path: 'a.md', text: doc('title: 改名的公告\ntype: notice\nperiod: 2026\nslug: renamed\npublished: 2026-11-02') },
      { path: 'broken.md', text: doc('title: [unclosed') },
      { path: 'untitled.md', text: doc('type: notice\nperiod: 2026\npublished: 2026-10-28') },
      // The pages' schema decides: a monthly notice needs a month, so this file has no page and no entry.
      { path: 'wrong-period.md', text: doc('title: 2026年第三季度月告知\ntype: monthly-notice\nperiod: 2026Q3\npublished: 2026-10-28') },
    ]);
    expect(index).toEqual([
      { id: 'b', type: 'monthly-notice', period: '2026-10', title: '2026年10月DRG付费月告知', published: '2026-10-28' },
      { id: 'renamed', type: 'notice', period: '2026', title: '改名的公告', published: '2026-11-02' },
    ]);
  });

  it('names an announcement from its publish day on, not before', () => {
    const index = [{ id: '2026-12-monthly', type: 'monthly-notice' as const, period: '2026-12', title: '2026年12月月告知', published: '2026-12-28' }];
    expect(publishedAnnouncementTitle(index, 'announcements/2026-12-monthly', new Date('2026-12-27T00:00:00Z'))).toBeUndefined();
    expect(publishedAnnouncementTitle(index, 'announcements/2026-12-monthly', new Date('2026-12-28T00:00:00Z'))).toBe('2026年12月月告知');
    expect(publishedAnnouncementTitle(index, '2026-12-monthly', new Date('2027-01-05T00:00:00Z'))).toBe('2026年12月月告知');
    expect(publishedAnnouncementTitle(index, 'announcements/missing', new Date('2027-01-05T00:00:00Z'))).toBeUndefined();
  });
});
