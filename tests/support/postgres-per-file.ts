import { afterAll } from 'vitest';
import { closeTestDatabases } from './test-database.js';

// Setup file of the `postgres` project: what a test file opened outside its tests is closed when the file ends.
afterAll(closeTestDatabases);
