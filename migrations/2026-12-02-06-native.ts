import { sql, type Kysely } from 'kysely';

// Each Weaver event's copy in a platform's own calendar (a Discord server's Events tab), so that edits and
// cancellations follow it and an "Interested" click finds its way back to the event.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('event_mirror')
    .addColumn('event_id', 'integer', (c) => c.notNull().references('event.id').onDelete('cascade'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('mirror_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_mirror_pk', ['event_id', 'platform', 'workspace_id'])
    .execute();
  await db.schema.createIndex('event_mirror_by_mirror').unique().on('event_mirror').columns(['platform', 'workspace_id', 'mirror_id']).execute();
  // Which RSVPs came from a platform's "Interested" button, so that taking the interest back removes only those.
  await sql`alter table rsvp add column source text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table rsvp drop column source`.execute(db);
  await db.schema.dropTable('event_mirror').execute();
}
