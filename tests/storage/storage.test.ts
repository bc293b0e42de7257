import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { migrateToLatest, openMigratedDatabase, type Db } from '../../src/storage/database.js';
import { tempDatabasePath, testEngine, unmigratedTestDatabase } from '../support/test-database.js';

async function tableNames(db: Db): Promise<string[]> {
  return (await db.introspection.getTables()).map((table) => table.name).sort();
}

describe('storage', () => {
  it('migrates an empty database to the latest schema, and a second run changes nothing', async () => {
    const db = await unmigratedTestDatabase();
    expect((await migrateToLatest(db)).results?.length).toBe(Object.keys(migrations).length);
    expect(await tableNames(db)).toEqual(
      expect.arrayContaining(['community', 'coordinator', 'home_channel', 'member', 'membership', 'membership_change', 'practice']),
    );
    const again = await migrateToLatest(db);
    expect(again.results).toEqual([]);
    await db.destroy();
  });

  if (testEngine === 'postgres') {
    it('keeps millisecond times and ids in 64 bits on PostgreSQL, read back as numbers', async () => {
      const db = await unmigratedTestDatabase();
      await migrateToLatest(db);
      const at = Date.UTC(2099, 0, 1);
      const community = await db
        .insertInto('community')
        .values({ slug: 'far', name: 'Far future', created_at: at, updated_at: at })
        .returning(['id', 'created_at'])
        .executeTakeFirstOrThrow();
      expect(community).toEqual({ id: 1, created_at: at });
      const count = await db
        .selectFrom('community')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(count.n).toBe(1);
    });
  }

  if (testEngine === 'sqlite')
    it('opens SQLite in WAL mode with foreign keys and a busy timeout', async () => {
      const db = await openMigratedDatabase(tempDatabasePath());
      const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
      expect(await pragma('journal_mode')).toBe('wal');
      expect(await pragma('foreign_keys')).toBe(1);
      expect(await pragma('busy_timeout')).toBe(5000);
      await db.destroy();
    });

  it('rolls a failing migration back whole, so the next start can apply it again', async () => {
    const db = await unmigratedTestDatabase();
    const broken = {
      ...migrations,
      '2099-01-01-broken': {
        async up(trx: Kysely<any>) {
          await trx.schema.createTable('half_done').addColumn('id', 'integer').execute();
          throw new Error('disk full');
        },
      },
    };
    await expect(migrateToLatest(db, broken)).rejects.toThrow('disk full');
    expect(await tableNames(db)).not.toContain('half_done');
    expect(await tableNames(db)).not.toContain('community');
    await migrateToLatest(db);
    expect(await tableNames(db)).toContain('community');
    await db.destroy();
  });
});
