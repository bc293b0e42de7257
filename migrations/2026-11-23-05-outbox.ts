import { sql, type Kysely } from 'kysely';

// The outbox: every scheduled post is a row before it is sent; `key` makes the same post for the same place unique.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text')
    .addColumn('user_id', 'text')
    .addColumn('thread_id', 'text')
    .addColumn('reply', 'text', (c) => c.notNull())
    .addColumn('not_before', 'integer', (c) => c.notNull())
    // A post that could not go out before this instant is stale (a reminder after the event began) and is dropped.
    .addColumn('expires_at', 'integer')
    .addColumn('next_attempt_at', 'integer', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status in ('pending', 'sent', 'failed')`),
    )
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'integer')
    .addColumn('message_id', 'text')
    .addColumn('permalink', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('sent_at', 'integer')
    .addCheckConstraint('outbox_target', sql`(channel_id is null) <> (user_id is null)`)
    .execute();
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();

  // One row per job name: the process whose lease is current is the only one that schedules.
  await db.schema
    .createTable('scheduler_lease')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('scheduler_lease').execute();
  await db.schema.dropTable('outbox').execute();
}
