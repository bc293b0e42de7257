import { sql, type Kysely } from 'kysely';

// Sign-in links and sessions of the web pages. Only sha256 hashes of their secrets are stored, so a copy of the
// database signs nobody in; the platform identity that asked for the link is who the session is.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('web_sign_in')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('platform_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .addColumn('used_at', 'integer')
    .execute();
  await db.schema.createIndex('web_sign_in_expiry').on('web_sign_in').column('expires_at').execute();
  await db.schema
    .createTable('web_session')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('platform_admin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('web_session_user').on('web_session').columns(['platform', 'workspace_id', 'user_id']).execute();
  await sql`create index web_sign_in_user on web_sign_in (platform, workspace_id, user_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('web_session').execute();
  await db.schema.dropTable('web_sign_in').execute();
}
