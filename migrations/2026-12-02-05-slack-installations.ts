import { sql, type Kysely } from 'kysely';

// Slack in many workspaces: one row per installation (a workspace, or an Enterprise Grid org for an org-wide
// install), the OAuth states already spent (a state is good once), and home channels a workspace took away.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('slack_installation')
    // `T:<team id>` for a workspace install, `E:<enterprise id>` for an org-wide one.
    .addColumn('install_key', 'text', (c) => c.primaryKey())
    .addColumn('team_id', 'text')
    .addColumn('enterprise_id', 'text')
    .addColumn('is_enterprise_install', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('team_url', 'text')
    .addColumn('bot_user_id', 'text')
    .addColumn('bot_id', 'text')
    // Bolt's Installation as JSON, tokens included; encrypted (AES-256-GCM) when WEAVER_SECRET_KEY is set.
    .addColumn('installation', 'text', (c) => c.notNull())
    // When the bot token expires (epoch ms), with token rotation; null when it does not.
    .addColumn('bot_expires_at', 'integer')
    .addColumn('installed_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('slack_installation_by_team').on('slack_installation').column('team_id').execute();

  // Workspaces of an org-wide install, learnt from the requests they send, so posts there find the org's token.
  await db.schema
    .createTable('slack_installation_team')
    .addColumn('team_id', 'text', (c) => c.primaryKey())
    .addColumn('enterprise_id', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('slack_oauth_state')
    .addColumn('state_id', 'text', (c) => c.primaryKey())
    .addColumn('used_at', 'integer', (c) => c.notNull())
    .execute();

  // A home channel whose workspace removed Weaver: kept (with why) so that `info` can say so.
  await db.schema.alterTable('home_channel').addColumn('gone_at', 'integer').execute();
  await sql`alter table home_channel add column gone_reason text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table home_channel drop column gone_reason`.execute(db);
  await sql`alter table home_channel drop column gone_at`.execute(db);
  await db.schema.dropTable('slack_oauth_state').execute();
  await db.schema.dropTable('slack_installation_team').execute();
  await db.schema.dropTable('slack_installation').execute();
}
