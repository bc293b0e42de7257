import type { Db } from './database.js';

// Kept out of schema.ts: only the bot's own bookkeeping uses this table, through these two functions.
export async function readBotState(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('bot_state').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function writeBotState(db: Db, key: string, value: string, now: number): Promise<void> {
  await db
    .insertInto('bot_state')
    .values({ key, value, updated_at: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: now }))
    .execute();
}
