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

  it('keeps title and publish day, honours a slug, and leaves out files it cannot read', () => {
    const index = announcementIndex([
      { path: 'b.md', text: doc('title: 2026年10月DRG付费月告知\npublished: 2026-10-28') },
      { path: 'a.md', text: doc('title: 改名的公告\nslug: renamed\npublished: 2026-11-02') },
      { path: 'broken.md', text: doc('title: [unclosed') },
      { path: 'untitled.md', text: doc('published: 2026-10-28') },
    ]);
    expect(index).toEqual([
      { id: 'b', title: '2026年10月DRG付费月告知', published: '2026-10-28' },
      { id: 'renamed', title: '改名的公告', published: '2026-11-02' },
    ]);
  });

  it('names an announcement from its publish day on, not before', () => {
    const index = [{ id: '2026-12-monthly', title: '2026年12月月告知', published: '2026-12-28' }];
    expect(publishedAnnouncementTitle(index, 'announcements/2026-12-monthly', new Date('2026-12-27T00:00:00Z'))).toBeUndefined();
    expect(publishedAnnouncementTitle(index, 'announcements/2026-12-monthly', new Date('2026-12-28T00:00:00Z'))).toBe('2026年12月月告知');
    expect(publishedAnnouncementTitle(index, '2026-12-monthly', new Date('2027-01-05T00:00:00Z'))).toBe('2026年12月月告知');
    expect(publishedAnnouncementTitle(index, 'announcements/missing', new Date('2027-01-05T00:00:00Z'))).toBeUndefined();
  });
});
