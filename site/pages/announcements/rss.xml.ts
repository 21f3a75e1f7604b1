/** /announcements/rss.xml: latest published announcements. */
import rss from '@astrojs/rss';
import type { APIContext } from 'astro';
import { loadBureau } from '../../../scripts/lib/bureau.ts';
import { announcementItems } from '../../utils/feeds.ts';

export async function GET(context: APIContext) {
  const bureau = loadBureau();
  return rss({
    title: `${bureau.shortName} DRG/DIP 付费：公告`,
    description: `${bureau.name}发布的月告知、季公告、年通报等公告`,
    site: context.site ?? bureau.siteUrl,
    items: await announcementItems(),
    customData: '<language>zh-cn</language>',
  });
}
