import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.js';
import { migrateToLatest, openDatabase, openMigratedDatabase, type Db } from '../../src/storage/database.js';
import { tempDatabasePath } from '../support/harness.js';

async function tableNames(db: Db): Promise<string[]> {
  const rows = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
  return rows.rows.map((row) => row.name);
}

describe('storage', () => {
  it('migrates an empty database to the latest schema, and a second run changes nothing', async () => {
    const path = tempDatabasePath();
    const db = await openMigratedDatabase(path);
    expect(await tableNames(db)).toEqual(
      expect.arrayContaining(['community', 'coordinator', 'home_channel', 'member', 'membership', 'membership_change', 'practice']),
    );
    const again = await migrateToLatest(db);
    expect(again.results).toEqual([]);
    await db.destroy();
  });

  it('opens SQLite in WAL mode with foreign keys and a busy timeout', async () => {
    const db = await openMigratedDatabase(tempDatabasePath());
    const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
    await db.destroy();
  });

  it('rolls a failing migration back whole, so the next start can apply it again', async () => {
    const db = openDatabase(tempDatabasePath());
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
