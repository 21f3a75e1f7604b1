/**
 * Builds the Pagefind index over the static pages. Pagefind is pinned (1.6.0, extended build with
 * Chinese segmentation) because CJK behaviour changes between releases.
 */
import * as pagefind from 'pagefind';
import { join, resolve } from 'node:path';

const site = resolve(process.env.ASTRO_OUT_DIR ?? 'dist', 'client');
const started = performance.now();
const { index, errors } = await pagefind.createIndex({ forceLanguage: 'zh-cn' });
if (!index) throw new Error(`pagefind: ${errors.join('; ')}`);
const added = await index.addDirectory({ path: site });
if (added.errors.length) throw new Error(`pagefind: ${added.errors.join('; ')}`);
const written = await index.writeFiles({ outputPath: join(site, 'pagefind') });
if (written.errors.length) throw new Error(`pagefind: ${written.errors.join('; ')}`);
await pagefind.close();
console.log(`search index: ${added.page_count} pages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
