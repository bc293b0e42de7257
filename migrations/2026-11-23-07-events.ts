import { sql, type Kysely } from 'kysely';

// Events, RSVPs, the reminders each event is due, and the posts that show it.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('event')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('community_id', 'integer', (c) => c.notNull().references('community.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'integer', (c) => c.notNull())
    .addColumn('ends_at', 'integer', (c) => c.notNull())
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('location', 'text')
    .addColumn('reminders', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('scheduled')
        .check(sql`status in ('scheduled', 'cancelled')`),
    )
    .addColumn('created_by', 'integer', (c) => c.references('member.id').onDelete('set null'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('event_by_community').on('event').columns(['community_id', 'starts_at']).execute();
  await db.schema.createIndex('event_by_start').on('event').columns(['status', 'starts_at']).execute();

  await db.schema
    .createTable('rsvp')
    .addColumn('event_id', 'integer', (c) => c.notNull().references('event.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id').onDelete('cascade'))
    .addColumn('answer', 'text', (c) => c.notNull().check(sql`answer in ('yes', 'maybe', 'no')`))
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rsvp_pk', ['event_id', 'member_id'])
    .execute();

  await db.schema
    .createTable('event_reminder')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('event_id', 'integer', (c) => c.notNull().references('event.id').onDelete('cascade'))
    .addColumn('lead_minutes', 'integer', (c) => c.notNull())
    .addColumn('due_at', 'integer', (c) => c.notNull())
    .addColumn('done_at', 'integer')
    .addColumn('outcome', 'text')
    .addUniqueConstraint('event_reminder_once', ['event_id', 'lead_minutes'])
    .execute();
  await db.schema.createIndex('event_reminder_due').on('event_reminder').columns(['done_at', 'due_at']).execute();

  await db.schema
    .createTable('event_post')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('event_id', 'integer', (c) => c.notNull().references('event.id').onDelete('cascade'))
    .addColumn('outbox_id', 'integer', (c) => c.notNull().unique().references('outbox.id').onDelete('cascade'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['event_post', 'event_reminder', 'rsvp', 'event']) await db.schema.dropTable(table).execute();
}
