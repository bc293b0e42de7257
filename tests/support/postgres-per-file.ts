import { afterAll, beforeAll } from 'vitest';
import { closeTestDatabases, warmUpTestDatabase } from './test-database.js';

// Setup file of the `postgres` project: PGlite (when it is the engine) starts before the file's tests, and what a test
// file opened outside its tests is closed when the file ends.
beforeAll(warmUpTestDatabase, 180_000);
afterAll(closeTestDatabases);
