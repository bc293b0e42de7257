import { type Kysely } from 'kysely';

// A community's share-a-practice rhythm, its prompt bank and the prompts it posted.
export async function up(db: Kysely<any>): Promise<void> {
  // The schedule is wall-clock text plus an IANA zone, never a fixed offset, so it follows daylight saving.
  await db.schema
    .createTable('rhythm')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('community_id', 'integer', (c) => c.notNull().unique().references('community.id').onDelete('cascade'))
    .addColumn('schedule', 'text', (c) => c.notNull())
    .addColumn('anchor_date', 'text')
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('next_run_at', 'integer')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rhythm_due').on('rhythm').column('next_run_at').execute();

  await db.schema
    .createTable('prompt')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('community_id', 'integer', (c) => c.notNull().references('community.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('default_key', 'text')
    .addColumn('added_by', 'integer', (c) => c.references('member.id').onDelete('set null'))
    .addColumn('used_at', 'integer')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addUniqueConstraint('prompt_default_once', ['community_id', 'default_key'])
    .execute();

  await db.schema
    .createTable('prompt_post')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('community_id', 'integer', (c) => c.notNull().references('community.id').onDelete('cascade'))
    .addColumn('prompt_id', 'integer', (c) => c.notNull().references('prompt.id').onDelete('cascade'))
    .addColumn('rhythm_id', 'integer')
    .addColumn('occurrence_at', 'integer', (c) => c.notNull())
    .addColumn('outbox_id', 'integer', (c) => c.notNull().unique().references('outbox.id').onDelete('cascade'))
    .execute();
  await db.schema.createIndex('prompt_post_by_community').on('prompt_post').columns(['community_id', 'occurrence_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['prompt_post', 'prompt', 'rhythm']) await db.schema.dropTable(table).execute();
}
