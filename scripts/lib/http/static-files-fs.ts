/**
 * The built site's files (dist/client: prerendered pages, the Pagefind index, assets), served by the Node server
 * (scripts/serve.ts) for every request Astro has no on-demand route for. It does what @astrojs/node's standalone
 * server did (node_modules/@astrojs/node/dist/serve-static.js), for `build.format: 'directory'` and
 * `trailingSlash: 'ignore'`:
 * - `/about` and `/about/` both serve about/index.html (no redirect);
 * - hashed assets under /_astro/ are cached for a year (immutable);
 * - dotfiles are refused except under /.well-known/;
 * - a path with no file gets the prerendered 404 page with status 404.
 *
 * Why the server no longer uses the standalone handler: it looks for a file first on every request, so each
 * submission and each /track look-up cost a stat() on libuv's thread pool (where the store's WAL fdatasync also
 * runs) and an lstatSync on the event loop before Astro saw it: 7.5% of the server's CPU in a bench:submit profile.
 * Astro's route table answers first now (the adapter's middleware mode), and only what it does not match is looked
 * for on disk.
 */
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, posix, resolve, sep } from 'node:path';
import send from 'send';

export type StaticFiles = (req: IncomingMessage, res: ServerResponse) => void;

/** `dir`: the built client folder (dist/client). `assetsDir`: Astro's hashed asset folder (`_astro`). */
export function createStaticFiles(dir: string, assetsDir = '_astro'): StaticFiles {
  const root = resolve(dir);
  const notFoundPage = join(root, '404.html');
  const isDirectory = (urlPath: string) => {
    const file = resolve(root, `.${urlPath}`);
    if (file !== root && !file.startsWith(root + sep)) return false;
    try {
      return statSync(file).isDirectory();
    } catch {
      return false;
    }
  };
  const notFound = (res: ServerResponse) => {
    res.statusCode = 404;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    createReadStream(notFoundPage)
      .on('error', () => res.end('Not found'))
      .pipe(res);
  };
  return (req, res) => {
    const target = req.url ?? '/';
    const q = target.search(/[?#]/);
    let urlPath = q < 0 ? target : target.slice(0, q);
    try {
      urlPath = decodeURI(urlPath);
    } catch {
      res.writeHead(400).end('Bad request.');
      return;
    }
    // `/about` is the folder about/: serve its index.html rather than send's redirect to `/about/`.
    const path = posix.normalize(!urlPath.endsWith('/') && isDirectory(urlPath) ? `${urlPath}/index.html` : urlPath);
    const stream = send(req, path, { root, dotfiles: path.startsWith('/.well-known/') ? 'allow' : 'deny' });
    let found = false;
    stream.on('file', () => (found = true));
    stream.on('stream', () => {
      if (path.startsWith(`/${assetsDir}/`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    });
    stream.on('error', (err: Error & { statusCode?: number }) => {
      // Before a file was found (missing, a refused dotfile): the 404 page, as the adapter's fall-through did.
      if (!found) return notFound(res);
      const status = err.statusCode ?? 500;
      if (status >= 500) console.error(`[static] ${path}: ${err.message}`);
      res.writeHead(status).end(status >= 500 ? 'Internal server error' : '');
    });
    stream.pipe(res);
  };
}
