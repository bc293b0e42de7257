import type { Db } from '../storage/database.js';

/**
 * Takes or renews named leases, each held by one owner until it lapses: two statements for all of them, and a
 * conditional upsert, so that two processes racing for one cannot both win. Returns the names `owner` now holds.
 */
export async function holdLeases(db: Db, names: readonly string[], owner: string, now: number, ttlMs: number): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  await db
    .insertInto('scheduler_lease')
    .values(names.map((name) => ({ name, owner, expires_at: now + ttlMs })))
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ owner, expires_at: now + ttlMs })
        .where((eb) => eb.or([eb('scheduler_lease.owner', '=', owner), eb('scheduler_lease.expires_at', '<=', now)])),
    )
    .execute();
  const held = await db.selectFrom('scheduler_lease').select('name').where('name', 'in', names).where('owner', '=', owner).execute();
  return new Set(held.map((row) => row.name));
}

export async function releaseLeases(db: Db, names: readonly string[], owner: string): Promise<void> {
  if (names.length > 0) await db.deleteFrom('scheduler_lease').where('name', 'in', names).where('owner', '=', owner).execute();
}
