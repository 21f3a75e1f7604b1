/**
 * Vitest global setup: names one build folder for this run. The HTTP tests (tests/http) build the site into it on
 * first use, once per run however many files need it (support.ts ensureBuilt, serialised with a lock), and it is
 * removed at the end. Runs that select no HTTP test build nothing.
 */
import { rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    httpBuildDir: string;
  }
}

export default function setup(project: TestProject) {
  // Inside the repository so the built server resolves its node_modules; dist-* is git-ignored.
  const dir = `dist-http-${randomBytes(4).toString('hex')}`;
  project.provide('httpBuildDir', dir);
  return () => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(`${dir}.lock`, { recursive: true, force: true });
    rmSync(`node_modules/.astro-${dir}`, { recursive: true, force: true });
  };
}
