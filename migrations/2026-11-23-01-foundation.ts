import { sql, type Kysely } from 'kysely';

// Frozen in time: this file describes the schema as it was on its date and imports nothing from src/.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('member')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text')
    .addColumn('reminders_on', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('privacy_on', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addUniqueConstraint('member_identity', ['platform', 'workspace_id', 'user_id'])
    .execute();

  await db.schema
    .createTable('community')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('domain', 'text')
    .addColumn('sponsor', 'text')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('potential')
        .check(sql`status in ('potential', 'preparing', 'launched', 'dormant', 'closed')`),
    )
    .addColumn('timezone', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('home_channel')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('community_id', 'integer', (c) => c.notNull().references('community.id').onDelete('cascade'))
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('channel_id', 'text', (c) => c.notNull())
    .addColumn('channel_name', 'text')
    .addColumn('linked_at', 'integer', (c) => c.notNull())
    .addUniqueConstraint('home_channel_per_workspace', ['community_id', 'platform', 'workspace_id'])
    .addUniqueConstraint('home_channel_channel', ['platform', 'workspace_id', 'channel_id'])
    .execute();

  await db.schema
    .createTable('coordinator')
    .addColumn('community_id', 'integer', (c) => c.notNull().references('community.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id').onDelete('cascade'))
    .addColumn('added_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('coordinator_pk', ['community_id', 'member_id'])
    .execute();

  await db.schema
    .createTable('membership')
    .addColumn('community_id', 'integer', (c) => c.notNull().references('community.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id').onDelete('cascade'))
    .addColumn('tier', 'text', (c) => c.notNull().check(sql`tier in ('core', 'wider')`))
    .addColumn('joined_at', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('membership_pk', ['community_id', 'member_id'])
    .execute();
  await db.schema.createIndex('membership_by_member').on('membership').columns(['member_id', 'tier']).execute();

  // Every join, tier change and leave, so that stats can draw the membership trend.
  await db.schema
    .createTable('membership_change')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('community_id', 'integer', (c) => c.notNull().references('community.id').onDelete('cascade'))
    .addColumn('member_id', 'integer', (c) => c.notNull().references('member.id').onDelete('cascade'))
    .addColumn('change', 'text', (c) => c.notNull().check(sql`change in ('joined', 'tier', 'left')`))
    .addColumn('tier', 'text')
    .addColumn('at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('membership_change_by_community').on('membership_change').columns(['community_id', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['membership_change', 'membership', 'coordinator', 'home_channel', 'community', 'member']) {
    await db.schema.dropTable(table).execute();
  }
}
