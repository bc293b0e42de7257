import { sql, type Kysely } from 'kysely';

// Idempotent sends and edits through the outbox:
// - send_started_at: set just before the platform is called, cleared when the answer is known, so that a row whose
//   claim lapsed is told apart: never started (safe to send) or started with its outcome unknown (look first).
// - kind 'edit' rows replace a message already posted (edit_message_id); revision counts their content's changes, so
//   that an edit sent with older content while newer content waited is sent once more.
export async function up(db: Kysely<any>): Promise<void> {
  // The migrator runs each migration in its own transaction (database.ts), so a failure leaves no partial columns.
  await db.schema.alterTable('outbox').addColumn('send_started_at', 'integer').execute();
  await db.schema
    .alterTable('outbox')
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .defaultTo('post')
        .check(sql`kind in ('post', 'edit')`),
    )
    .execute();
  await db.schema.alterTable('outbox').addColumn('edit_message_id', 'text').execute();
  await db.schema
    .alterTable('outbox')
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of ['revision', 'edit_message_id', 'kind', 'send_started_at']) await db.schema.alterTable('outbox').dropColumn(column).execute();
}
