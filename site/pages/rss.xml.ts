/** /rss.xml: latest announcements and replies together. */
import rss from '@astrojs/rss';
import type { APIContext } from 'astro';
import { loadBureau } from '../../scripts/lib/bureau.ts';
import { allItems } from '../utils/feeds.ts';

export async function GET(context: APIContext) {
  const bureau = loadBureau();
  return rss({
    title: `${bureau.shortName} DRG/DIP 付费：公告与答复`,
    description: `${bureau.name}发布的最新公告和意见答复`,
    site: context.site ?? bureau.siteUrl,
    items: await allItems(),
    customData: '<language>zh-cn</language>',
  });
}
