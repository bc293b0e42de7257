import { sql, type Kysely } from 'kysely';

// Networks: a community row of kind 'network' that other communities point to. Bridges: a question left without a
// reply is bridged once (bridge, keyed by its thread) to the people named (bridge_person), for the note and stats.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table community add column kind text not null default 'community' check (kind in ('community', 'network'))`.execute(db);
  await db.schema
    .alterTable('community')
    .addColumn('network_id', 'integer', (c) => c.references('community.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('community_by_network').on('community').column('network_id').execute();

  await db.schema
    .createTable('bridge')
    .addColumn('thread_id', 'integer', (c) => c.primaryKey().references('harvest_thread.id').onDelete('cascade'))
    .addColumn('bridged_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('bridge_person')
    .addColumn('thread_id', 'integer', (c) => c.notNull().references('bridge.thread_id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id').onDelete('cascade'))
    .addColumn('community_id', 'integer', (c) => c.references('community.id').onDelete('set null'))
    .addPrimaryKeyConstraint('bridge_person_key', ['thread_id', 'member_id'])
    .execute();
  await db.schema.createIndex('bridge_person_by_member').on('bridge_person').column('member_id').execute();
  // The bridge job reads questions still without a reply, by age.
  await db.schema
    .createIndex('harvest_thread_unreplied')
    .on('harvest_thread')
    .column('asked_at')
    .where(sql<boolean>`first_reply_at is null and harvested_at is null`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('harvest_thread_unreplied').execute();
  await db.schema.dropTable('bridge_person').execute();
  await db.schema.dropTable('bridge').execute();
  await db.schema.dropIndex('community_by_network').execute();
  await sql`alter table community drop column network_id`.execute(db);
  await sql`alter table community drop column kind`.execute(db);
}
