import { sql, type Kysely } from 'kysely';

// Peer exchange: who opted in, when rounds happen, and who was grouped with whom in which round, with the outcome.
// Frozen in time: imports nothing from src/.
export async function up(db: Kysely<any>): Promise<void> {
  // Keyed on the membership itself: leaving the community (or being forgotten) takes you out of its rounds.
  await db.schema
    .createTable('pair_participant')
    .addColumn('community_id', 'integer', (c) => c.notNull())
    .addColumn('member_id', 'integer', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('peer', 'mentor', 'mentee')`))
    .addColumn('about', 'text')
    .addColumn('paused_rounds', 'integer', (c) => c.notNull().defaultTo(0))
    // Set when a round found them alone: they come first next time.
    .addColumn('waiting_since', 'integer')
    .addColumn('joined_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('pair_participant_pk', ['community_id', 'member_id'])
    .addForeignKeyConstraint('pair_participant_membership', ['community_id', 'member_id'], 'membership', ['community_id', 'member_id'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('pair_rhythm')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('community_id', 'integer', (c) => c.notNull().unique().references('community.id').onDelete('cascade'))
    .addColumn('schedule', 'text', (c) => c.notNull())
    .addColumn('anchor_date', 'text')
    .addColumn('timezone', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull().check(sql`size between 2 and 4`))
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('peers', 'mentoring')`))
    .addColumn('next_run_at', 'integer')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pair_rhythm_due').on('pair_rhythm').column('next_run_at').execute();

  await db.schema
    .createTable('pair_round')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('community_id', 'integer', (c) => c.notNull().references('community.id').onDelete('cascade'))
    // `rhythm:<id>:<occurrence>` or `now:<community>:<at>`: an occurrence makes one round, however often it is fired.
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('occurrence_at', 'integer', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('participants', 'integer', (c) => c.notNull())
    .addColumn('next_round_at', 'integer')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('pair_round_by_community').on('pair_round').columns(['community_id', 'occurrence_at']).execute();

  await db.schema
    .createTable('pair_group')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('round_id', 'integer', (c) => c.notNull().references('pair_round.id').onDelete('cascade'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    // The outbox key of the introduction; the conversation it opened is on that outbox row.
    .addColumn('intro_key', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('outcome', 'text', (c) => c.check(sql`outcome in ('met', 'not')`))
    .addColumn('answered_by', 'integer', (c) => c.references('member.id').onDelete('set null'))
    .addColumn('answered_at', 'integer')
    .addColumn('remind_at', 'integer')
    .addColumn('reminded_at', 'integer')
    .execute();
  await db.schema.createIndex('pair_group_by_round').on('pair_group').column('round_id').execute();
  await db.schema.createIndex('pair_group_reminder_due').on('pair_group').columns(['reminded_at', 'remind_at']).execute();

  await db.schema
    .createTable('pair_group_member')
    .addColumn('group_id', 'integer', (c) => c.notNull().references('pair_group.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id').onDelete('cascade'))
    .addColumn('community_id', 'integer', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pair_group_member_pk', ['group_id', 'member_id'])
    .execute();
  await db.schema.createIndex('pair_group_member_by_member').on('pair_group_member').columns(['member_id', 'community_id']).execute();

  // An introduction goes to a group of people at once: the outbox keeps who, and the conversation it opened.
  await db.schema.alterTable('outbox').addColumn('group_user_ids', 'text').execute();
  await db.schema.alterTable('outbox').addColumn('conversation_id', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('conversation_id').execute();
  await db.schema.alterTable('outbox').dropColumn('group_user_ids').execute();
  for (const table of ['pair_group_member', 'pair_group', 'pair_round', 'pair_rhythm', 'pair_participant']) await db.schema.dropTable(table).execute();
}
