import { sql, type Kysely } from 'kysely';
import { isPostgres } from './engine.js';

// Harvesting: question threads followed in home channels, their messages, ✅ marks that came before their
// message, and the FTS5 indexes that search harvested Q&A and shared practices.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('harvest_thread')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('community_id', 'integer', (c) => c.notNull().references('community.id').onDelete('cascade'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('root_message_id', 'text', (c) => c.notNull())
    .addColumn('asker_member_id', 'integer', (c) => c.notNull().references('member.id').onDelete('cascade'))
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('ask', 'message')`))
    .addColumn('permalink', 'text')
    .addColumn('asked_at', 'integer', (c) => c.notNull())
    // Noted even when the reply's author has privacy off (no text kept): reminders and stats need it.
    .addColumn('first_reply_at', 'integer')
    .addColumn('answer_message_id', 'text')
    .addColumn('marked_by_member_id', 'integer', (c) => c.references('member.id').onDelete('set null'))
    // When the current answer was marked on the platform: an older mark redelivered later does not undo a newer one.
    .addColumn('marked_at', 'integer')
    .addColumn('harvested_at', 'integer')
    // Markers written before the bot posts, so that a redelivery or a second process never posts twice.
    .addColumn('hint_at', 'integer')
    .addColumn('reminded_at', 'integer')
    .addColumn('announced_at', 'integer')
    .addUniqueConstraint('harvest_thread_root', ['platform', 'workspace_id', 'channel_id', 'root_message_id'])
    .execute();
  await db.schema.createIndex('harvest_thread_by_community').on('harvest_thread').columns(['community_id', 'asked_at']).execute();
  await db.schema.createIndex('harvest_thread_by_asker').on('harvest_thread').column('asker_member_id').execute();
  await db.schema
    .createIndex('harvest_thread_to_remind')
    .on('harvest_thread')
    .column('first_reply_at')
    .where(sql<boolean>`harvested_at is null and reminded_at is null`)
    .execute();

  await db.schema
    .createTable('harvest_message')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('thread_id', 'integer', (c) => c.notNull().references('harvest_thread.id').onDelete('cascade'))
    .addColumn('community_id', 'integer', (c) => c.notNull().references('community.id').onDelete('cascade'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('question', 'answer', 'reply')`))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('permalink', 'text')
    .addColumn('posted_at', 'integer', (c) => c.notNull())
    .addColumn('edited_at', 'integer')
    // 1 once the thread's answer is marked: only harvested messages are in the search index.
    .addColumn('harvested', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('harvest_message_key', ['platform', 'workspace_id', 'channel_id', 'message_id'])
    .execute();
  await db.schema.createIndex('harvest_message_by_thread').on('harvest_message').columns(['thread_id', 'posted_at']).execute();
  await db.schema.createIndex('harvest_message_by_member').on('harvest_message').column('member_id').execute();

  // A ✅ or action on a message not seen yet: it counts once the message arrives.
  await db.schema
    .createTable('harvest_pending_mark')
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('harvest_pending_mark_pk', ['platform', 'workspace_id', 'channel_id', 'message_id', 'user_id'])
    .execute();
  await db.schema.createIndex('harvest_pending_mark_by_at').on('harvest_pending_mark').column('at').execute();

  await db.schema
    .alterTable('community')
    .addColumn('digest_on', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.alterTable('community').addColumn('digest_posted_at', 'integer').execute();

  if (isPostgres(db)) await createPostgresSearch(db);
  else await createSqliteSearch(db);
}

// PostgreSQL: a stored tsvector per row and a GIN index; only harvested messages are indexed (a partial index).
async function createPostgresSearch(db: Kysely<any>): Promise<void> {
  await sql`alter table practice add column search tsvector generated always as (to_tsvector('english', text)) stored`.execute(db);
  await sql`create index practice_search on practice using gin (search)`.execute(db);
  await sql`alter table harvest_message add column search tsvector generated always as (to_tsvector('english', text)) stored`.execute(db);
  await sql`create index harvest_message_search on harvest_message using gin (search) where harvested = 1`.execute(db);
}

// SQLite: FTS5 indexes kept by triggers.
async function createSqliteSearch(db: Kysely<any>): Promise<void> {
  // The community as a token (`c12`) in its own column, so that a community filter is part of the FTS5 match.
  await sql`alter table practice add column fts_scope text generated always as ('c' || community_id) virtual`.execute(db);
  await sql`alter table harvest_message add column fts_scope text generated always as ('c' || community_id) virtual`.execute(db);

  for (const [index, table] of [
    ['practice_fts', 'practice'],
    ['harvest_fts', 'harvest_message'],
  ] as const) {
    await sql
      .raw(`create virtual table ${index} using fts5(text, fts_scope, content='${table}', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')`)
      .execute(db);
  }

  await sql`create trigger practice_fts_insert after insert on practice begin
    insert into practice_fts(rowid, text, fts_scope) values (new.id, new.text, 'c' || new.community_id);
  end`.execute(db);
  await sql`create trigger practice_fts_delete after delete on practice begin
    insert into practice_fts(practice_fts, rowid, text, fts_scope) values ('delete', old.id, old.text, 'c' || old.community_id);
  end`.execute(db);
  await sql`create trigger practice_fts_update after update of text, community_id on practice begin
    insert into practice_fts(practice_fts, rowid, text, fts_scope) values ('delete', old.id, old.text, 'c' || old.community_id);
    insert into practice_fts(rowid, text, fts_scope) values (new.id, new.text, 'c' || new.community_id);
  end`.execute(db);
  await sql`insert into practice_fts(practice_fts) values ('rebuild')`.execute(db);

  await sql`create trigger harvest_fts_insert after insert on harvest_message when new.harvested = 1 begin
    insert into harvest_fts(rowid, text, fts_scope) values (new.id, new.text, 'c' || new.community_id);
  end`.execute(db);
  await sql`create trigger harvest_fts_delete after delete on harvest_message when old.harvested = 1 begin
    insert into harvest_fts(harvest_fts, rowid, text, fts_scope) values ('delete', old.id, old.text, 'c' || old.community_id);
  end`.execute(db);
  // One trigger, so that the old entry always goes before the new one with the same rowid comes in.
  await sql`create trigger harvest_fts_update after update of text, harvested, community_id on harvest_message begin
    insert into harvest_fts(harvest_fts, rowid, text, fts_scope) select 'delete', old.id, old.text, 'c' || old.community_id where old.harvested = 1;
    insert into harvest_fts(rowid, text, fts_scope) select new.id, new.text, 'c' || new.community_id where new.harvested = 1;
  end`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) {
    await sql`alter table practice drop column search`.execute(db);
    await sql`alter table harvest_message drop column search`.execute(db);
  } else await dropSqliteSearch(db);
  await db.schema.alterTable('community').dropColumn('digest_posted_at').execute();
  await db.schema.alterTable('community').dropColumn('digest_on').execute();
  for (const table of ['harvest_pending_mark', 'harvest_message', 'harvest_thread']) await db.schema.dropTable(table).execute();
}

async function dropSqliteSearch(db: Kysely<any>): Promise<void> {
  for (const trigger of [
    'practice_fts_insert',
    'practice_fts_delete',
    'practice_fts_update',
    'harvest_fts_insert',
    'harvest_fts_delete',
    'harvest_fts_update',
  ]) {
    await sql.raw(`drop trigger if exists ${trigger}`).execute(db);
  }
  await sql`drop table if exists practice_fts`.execute(db);
  await sql`drop table if exists harvest_fts`.execute(db);
  await sql`alter table practice drop column fts_scope`.execute(db);
}
