import type { Kysely } from 'kysely';

// Replies in a prompt's thread find the prompt by the message id the platform gave its post; without this index
// every threaded message scanned the whole outbox. Pruning old rows on every tick reads them by age.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('outbox_by_message').on('outbox').columns(['platform', 'workspace_id', 'channel_id', 'message_id']).execute();
  await db.schema.createIndex('outbox_by_age').on('outbox').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_by_age').execute();
  await db.schema.dropIndex('outbox_by_message').execute();
}
