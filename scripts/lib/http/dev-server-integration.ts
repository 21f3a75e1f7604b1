/**
 * `npm run dev` (astro dev) with the same server dependencies as `npm run serve`: the dev server gets
 * createServerDeps' runtime as `locals.server` for the on-demand pages and the same handler for /api/submissions
 * (submissions-api.ts), so the form, /track and the API work while editing, offline, on the local tracker.
 * The dev server reads a request's locals from `Symbol.for('astro.locals')` on the Node request
 * (astro/dist/vite-plugin-app/handle-request.js); if a later Astro stops doing so, the pages say they need
 * `npm start` (site/components/form/server.ts) instead of misbehaving. Announcements are read once, at start.
 */
import type { AstroIntegration } from 'astro';
import type { ServerDeps } from './server-deps.ts';

const localsKey = Symbol.for('astro.locals');

export function devServerIntegration(contentDir: string): AstroIntegration {
  let deps: ServerDeps | undefined;
  return {
    name: 'drg-dev-server',
    hooks: {
      'astro:server:setup': async ({ server }) => {
        // Imported here, not at the top: a build never loads the runtime.
        const [{ createServerDeps }, { createSubmissionsApi, isSubmissionsApi }, { readAnnouncementIndex }] = await Promise.all([
          import('./server-deps.ts'),
          import('./submissions-api.ts'),
          import('../announcement-index-fs.ts'),
        ]);
        const started = createServerDeps({ announcements: (await readAnnouncementIndex(contentDir)).entries });
        deps = started;
        const api = createSubmissionsApi(started, { secure: false });
        server.middlewares.use((req, res, next) => {
          if (isSubmissionsApi(req.url)) return void api(req, res);
          Reflect.set(req, localsKey, { server: started });
          next();
        });
      },
      'astro:server:done': () => {
        deps?.runtime.stop();
        deps = undefined;
      },
    },
  };
}
