import { sql, type Kysely } from 'kysely';

// When each community's next weekly digest is due, so that a tick reads the few that are due by index instead of
// working out every community's Monday morning in its own zone.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('community').addColumn('digest_due_at', 'integer').execute();
  await db.schema.createIndex('community_digest_due').on('community').column('digest_due_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('community_digest_due').execute();
  await sql`alter table community drop column digest_due_at`.execute(db);
}
