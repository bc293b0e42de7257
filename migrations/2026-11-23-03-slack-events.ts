import type { Kysely } from 'kysely';

// Slack event ids already handled, so that a redelivered event (X-Slack-Retry-Num) is a no-op even across restarts.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('slack_event')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('slack_event_by_age').on('slack_event').column('received_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('slack_event').execute();
}
