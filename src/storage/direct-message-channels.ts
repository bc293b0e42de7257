import type { UserRef } from '../kernel/identity.js';
import { userColumns } from './columns.js';
import type { Db } from './database.js';

// A person's direct-message channel with the bot, for adapters whose platform makes opening one a call of its own.
export async function findDirectMessageChannel(db: Db, user: UserRef): Promise<string | undefined> {
  const row = await db
    .selectFrom('direct_message_channel')
    .select('channel_id')
    .where((eb) => eb.and(userColumns(user)))
    .executeTakeFirst();
  return row?.channel_id;
}

export async function rememberDirectMessageChannel(db: Db, user: UserRef, channelId: string, now: number): Promise<void> {
  await db
    .insertInto('direct_message_channel')
    .values({ ...userColumns(user), channel_id: channelId, opened_at: now })
    .onConflict((oc) => oc.columns(['platform', 'workspace_id', 'user_id']).doUpdateSet({ channel_id: channelId, opened_at: now }))
    .execute();
}

export async function forgetDirectMessageChannel(db: Db, user: UserRef): Promise<void> {
  await db
    .deleteFrom('direct_message_channel')
    .where((eb) => eb.and(userColumns(user)))
    .execute();
}
