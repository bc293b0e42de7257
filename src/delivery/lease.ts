import type { Db } from '../storage/database.js';

/**
 * Takes or renews a named lease: true when `owner` holds it until `now + ttlMs`. One statement, so two
 * processes racing for it cannot both win.
 */
export async function holdLease(db: Db, name: string, owner: string, now: number, ttlMs: number): Promise<boolean> {
  await db
    .insertInto('scheduler_lease')
    .values({ name, owner, expires_at: now + ttlMs })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ owner, expires_at: now + ttlMs })
        .where((eb) => eb.or([eb('scheduler_lease.owner', '=', owner), eb('scheduler_lease.expires_at', '<=', now)])),
    )
    .execute();
  const row = await db.selectFrom('scheduler_lease').select('owner').where('name', '=', name).executeTakeFirst();
  return row?.owner === owner;
}

export async function releaseLease(db: Db, name: string, owner: string): Promise<void> {
  await db.deleteFrom('scheduler_lease').where('name', '=', name).where('owner', '=', owner).execute();
}
