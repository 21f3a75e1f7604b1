/** /replies/rss.xml: latest replies. */
import rss from '@astrojs/rss';
import type { APIContext } from 'astro';
import { loadBureau } from '../../../scripts/lib/bureau.ts';
import { replyItems } from '../../utils/feeds.ts';

export async function GET(context: APIContext) {
  const bureau = loadBureau();
  return rss({
    title: `${bureau.shortName} DRG/DIP 付费：意见答复`,
    description: `${bureau.name}对意见建议的最新答复`,
    site: context.site ?? bureau.siteUrl,
    items: await replyItems(),
    customData: '<language>zh-cn</language>',
  });
}
