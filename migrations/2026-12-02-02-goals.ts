import { sql, type Kysely } from 'kysely';

// Goals: what a community (or a network, a row of the same table) sets out to achieve, and the notes logged
// against the goals that are counted by hand.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('goal')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('community_id', 'integer', (c) => c.notNull().references('community.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('target', 'integer', (c) => c.notNull().check(sql`target >= 1`))
    .addColumn('measure', 'text', (c) => c.notNull().check(sql`measure in ('manual', 'members', 'core', 'practices', 'answers', 'events')`))
    // The day as typed (YYYY-MM-DD), and the instant that day is over (the next midnight in the community's zone).
    .addColumn('due_date', 'text')
    .addColumn('due_at', 'integer')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open', 'done', 'dropped')`),
    )
    .addColumn('created_by', 'integer', (c) => c.references('member.id').onDelete('set null'))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('closed_at', 'integer')
    // Written (claimed) before the celebration is enqueued: a goal is celebrated once, whatever its progress does later.
    .addColumn('reached_at', 'integer')
    .execute();
  await db.schema.createIndex('goal_by_community').on('goal').columns(['community_id', 'status']).execute();
  await db.schema
    .createIndex('goal_unreached')
    .on('goal')
    .column('id')
    .where(sql<boolean>`status = 'open' and reached_at is null`)
    .execute();

  await db.schema
    .createTable('goal_note')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('goal_id', 'integer', (c) => c.notNull().references('goal.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull().check(sql`count >= 0`))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('goal_note_by_goal').on('goal_note').columns(['goal_id', 'created_at']).execute();
  await db.schema.createIndex('goal_note_by_member').on('goal_note').column('member_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('goal_note').execute();
  await db.schema.dropTable('goal').execute();
}
