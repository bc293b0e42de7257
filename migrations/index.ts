import type { Migration } from 'kysely';
import * as foundation from './2026-11-23-01-foundation.js';
import * as practice from './2026-11-23-02-practice.js';
import * as harvest from './2026-11-23-10-harvest.js';

// Listed by hand, in order: a migration added here is applied at the next start and by `npm run migrate`.
export const migrations: Record<string, Migration> = {
  '2026-11-23-01-foundation': foundation,
  '2026-11-23-02-practice': practice,
  '2026-11-23-10-harvest': harvest,
};
