// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import mdx from '@astrojs/mdx';
import sitemap from '@astrojs/sitemap';
import { readFileSync } from 'node:fs';
import { announcementIndexIntegration } from './scripts/lib/announcement-index-fs.ts';
import { contentDir } from './scripts/lib/content-dir.ts';
import { devServerIntegration } from './scripts/lib/http/dev-server-integration.ts';

const bureau = JSON.parse(readFileSync(new URL('./content/settings/bureau.json', import.meta.url), 'utf8'));

// Pages are static by default; /submit, /track and /api/* opt out with `export const prerender = false`
// and run in the Node server: scripts/serve.ts runs the adapter's handler (middleware mode) and serves the built
// files itself. ASTRO_OUT_DIR lets benchmarks and parallel test runs build elsewhere without touching dist/.
export default defineConfig({
  site: process.env.SITE_URL ?? bureau.siteUrl,
  srcDir: './site',
  publicDir: './site/public',
  outDir: process.env.ASTRO_OUT_DIR ?? './dist',
  cacheDir: process.env.ASTRO_CACHE_DIR ?? './node_modules/.astro',
  output: 'static',
  // No HTML streaming: the on-demand pages (/submit, /track) are small, and rendering each to one string before
  // writing it answered 15% more /track look-ups than streaming its chunks (1,624 against 1,417/s, three
  // alternating 10 s runs of 20 connections each, issue 11).
  adapter: node({ mode: 'middleware', experimentalDisableStreaming: true }),
  // The server's objection titles come from announcementIndexIntegration's file, never from astro:content (which
  // would bundle every reply into the server: scripts/lib/announcement-index.ts). devServerIntegration gives
  // `astro dev` the same server dependencies that scripts/serve.ts gives the built server.
  integrations: [mdx(), sitemap({ filter: (page) => !/\/(submit|track|api)\b/.test(page) }), announcementIndexIntegration(contentDir()), devServerIntegration(contentDir())],
  trailingSlash: 'ignore',
  // concurrency: pages await content rendering and file writes; rendering 4 at a time keeps the CPU busy
  // (5,000 replies: 20-22 s instead of 23-31 s at 1, npm run bench:build on 2 cores).
  build: { format: 'directory', inlineStylesheets: 'always', concurrency: 4 },
  security: { checkOrigin: false },
  server: { host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 4321) },
  devToolbar: { enabled: false },
});
