import type { Kysely } from 'kysely';

// Each person's direct-message channel with the bot, once opened: a Discord DM costs an extra request to open its
// channel, and Discord limits how fast a bot opens them, so a person's channel is opened once and remembered.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('direct_message_channel')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('direct_message_channel_pk', ['platform', 'workspace_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('direct_message_channel').execute();
}
