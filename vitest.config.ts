import { defineConfig } from 'vitest/config';

// Unit and HTTP tests are `*.test.ts`; browser tests are Playwright's `*.spec.ts` under tests/e2e.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Names one shared build folder for the HTTP tests (built lazily, once per run: tests/http/support.ts).
    globalSetup: ['tests/http/global-setup.ts'],
  },
});
