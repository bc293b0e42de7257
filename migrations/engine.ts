import { PostgresAdapter, type Kysely } from 'kysely';

/**
 * The one question a migration asks of the engine, where SQLite and PostgreSQL differ (search indexes, generated
 * columns, scalar functions): everything else in a migration is written once, in kysely's schema builder.
 */
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
