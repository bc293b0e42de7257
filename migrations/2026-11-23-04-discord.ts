import { sql, type Kysely } from 'kysely';

// A small key-value store for what the bot itself must remember across restarts, such as the hash of the
// Discord commands it last registered, so that it registers again only when the definition changed.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('bot_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull().defaultTo(sql`0`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('bot_state').execute();
}
