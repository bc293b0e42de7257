import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// The core and storage suites (and the web pages' data), run a second time on PostgreSQL (tests/support/test-database.ts).
const engineNeutral = [
  'commands',
  'communities',
  'delivery',
  'events',
  'goals',
  'harvest',
  'installations',
  'networks',
  'pairing',
  'privacy',
  'reports',
  'rhythms',
  'scheduler',
  'scaleout',
  'storage',
  'web',
].map((folder) => `tests/${folder}/**/*.test.ts`);

export default defineConfig({
  test: {
    testTimeout: 20_000,
    pool: 'forks',
    // A file per core, not vitest's default of one core fewer: most suites wait on child processes, sockets and fakes
    // rather than compute, and on CI's two cores the default ran every file one after another (8.6 minutes, not 5.5).
    maxWorkers: availableParallelism(),
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['tests/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: engineNeutral,
          // The browser drives the same pages the route tests read on both engines; the sign-in tests need two
          // separate databases at once, which the PGlite fallback (one instance per file) cannot give; search on
          // PostgreSQL ranks its most recent matches only, without SQLite's second pool of short exact questions.
          exclude: ['tests/web/browser.test.ts', 'tests/web/sign-in.test.ts', 'tests/harvest/search-past-window.test.ts'],
          env: { WEAVER_TEST_ENGINE: 'postgres' },
          globalSetup: ['tests/support/postgres-setup.ts'],
          setupFiles: ['tests/support/postgres-per-file.ts'],
        },
      },
    ],
  },
});
