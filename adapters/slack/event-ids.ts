import type { Db } from '../../src/storage/database.js';

const keepMs = 24 * 60 * 60_000;
// Pruning once a minute is as good as on every event (an id is kept a day): one statement fewer per event.
const pruneEveryMs = 60_000;
const prunedAt = new WeakMap<Db, number>();

/** Records an Events API event id; false when it was recorded before, i.e. this delivery is a retry. Old ids are pruned. */
export async function claimEvent(db: Db, eventId: string, now: number): Promise<boolean> {
  const inserted = await db
    .insertInto('slack_event')
    .values({ event_id: eventId, received_at: now })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .executeTakeFirst();
  if (now - (prunedAt.get(db) ?? -Infinity) >= pruneEveryMs) {
    prunedAt.set(db, now);
    await db
      .deleteFrom('slack_event')
      .where('received_at', '<', now - keepMs)
      .execute();
  }
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
}
