import type { Db } from '../../src/storage/database.js';

const keepMs = 24 * 60 * 60_000;

/** Records an Events API event id; false when it was recorded before, i.e. this delivery is a retry. Old ids are pruned. */
export async function claimEvent(db: Db, eventId: string, now: number): Promise<boolean> {
  const inserted = await db
    .insertInto('slack_event')
    .values({ event_id: eventId, received_at: now })
    .onConflict((oc) => oc.column('event_id').doNothing())
    .executeTakeFirst();
  await db
    .deleteFrom('slack_event')
    .where('received_at', '<', now - keepMs)
    .execute();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0;
}
