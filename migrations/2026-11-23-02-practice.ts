import { sql, type Kysely } from 'kysely';

// A practice shared with a community: by `share`, or as a reply to a share-a-practice prompt.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('practice')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('community_id', 'integer', (c) => c.notNull().references('community.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('command', 'prompt-reply')`))
    .addColumn('prompt_post_id', 'integer')
    // Where it was said on a platform, so that an edit, a deletion or a redelivered event finds it again.
    .addColumn('platform', 'text')
    .addColumn('workspace_id', 'text')
    .addColumn('channel_id', 'text')
    .addColumn('message_id', 'text')
    .addColumn('permalink', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('practice_by_community').on('practice').columns(['community_id', 'created_at']).execute();
  await db.schema.createIndex('practice_by_member').on('practice').column('member_id').execute();
  await db.schema
    .createIndex('practice_by_message')
    .on('practice')
    .columns(['platform', 'workspace_id', 'channel_id', 'message_id'])
    .unique()
    .where(sql.ref('message_id'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('practice').execute();
}
