import { sql, type Kysely } from 'kysely';
import { migrateToLatest, type Db } from './database.js';
import { isPostgres } from './engine.js';

/** Copying cannot start (wrong engine, a target that already holds data, versions that differ): one sentence says why. */
export class CopyRefused extends Error {}

export type TableCount = Readonly<{ table: string; source: number; target: number }>;
export type CopyReport = Readonly<{ migration: string; tables: readonly TableCount[]; mismatches: readonly TableCount[] }>;

// Tables named at run time, read from the schema.
type AnyTables = Kysely<Record<string, Record<string, unknown>>>;

// `selfReferences`: columns that point into their own table (a community's network), filled in once every row is there.
type Plan = Readonly<{ table: string; columns: readonly string[]; key: readonly string[]; selfReferences: readonly string[] }>;

// PostgreSQL takes at most 65,535 parameters in one statement; a batch stays well below.
const parametersPerBatch = 30_000;

/**
 * Copies a SQLite database into an empty PostgreSQL one, in one transaction on the target: both are migrated to the
 * latest version first, the tables are copied in foreign-key order (read from the schema, so that a new table is never
 * forgotten), the identity sequences are moved past the copied ids, and the rows are then counted on both sides.
 * The source is read in one transaction too, so that its counts are those of the copied snapshot.
 */
export async function copyDatabase(source: Db, target: Db, options: { batchSize?: number } = {}): Promise<CopyReport> {
  if (isPostgres(source)) throw new CopyRefused('The database to copy from must be a SQLite file (DATABASE_PATH).');
  if (!isPostgres(target)) throw new CopyRefused('The database to copy into must be PostgreSQL (a postgres:// URL).');
  await migrateToLatest(source);
  const tables = await sqliteTables(source);
  const filled = await tablesWithRows(target, tables);
  if (filled.length > 0) {
    const named = filled.length > 3 ? `${filled.slice(0, 3).join(', ')} and ${filled.length - 3} more tables` : filled.join(', ');
    throw new CopyRefused(`The PostgreSQL database already holds Weaver's data (rows in ${named}); copy into an empty database.`);
  }
  await migrateToLatest(target);
  const migration = await sameVersion(source, target);
  const plans = await plan(source, target, await foreignKeyOrder(source, tables));

  const sourceCounts = await source.transaction().execute(async (reading) => {
    const counts = new Map<string, number>();
    await target.transaction().execute(async (writing) => {
      for (const table of plans) counts.set(table.table, await copyTable(loose(reading), loose(writing), table, options.batchSize ?? 1_000));
      await resetIdentities(writing);
    });
    return counts;
  });

  const counted: TableCount[] = [];
  for (const { table } of plans) counted.push({ table, source: sourceCounts.get(table) ?? 0, target: await countRows(target, table) });
  return { migration, tables: counted, mismatches: counted.filter((count) => count.source !== count.target) };
}

/** Weaver's tables on SQLite: ordinary tables only, without SQLite's own, kysely's migration tables or FTS5 shadow tables. */
async function sqliteTables(db: Db): Promise<string[]> {
  const rows = await sql<{ name: string }>`
    select name from pragma_table_list
    where schema = 'main' and type = 'table' and name not like 'sqlite\\_%' escape '\\' and name not like 'kysely\\_%' escape '\\'
    order by name`.execute(db);
  return rows.rows.map((row) => row.name);
}

async function tablesWithRows(target: Db, tables: readonly string[]): Promise<string[]> {
  const present = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(target);
  const names = new Set(present.rows.map((row) => row.name));
  const filled: string[] = [];
  for (const table of tables.filter((name) => names.has(name))) {
    const row = await sql<{ has_rows: boolean }>`select exists (select 1 from ${sql.table(table)}) as has_rows`.execute(target);
    if (row.rows[0]?.has_rows) filled.push(table);
  }
  return filled;
}

async function sameVersion(source: Db, target: Db): Promise<string> {
  const applied = async (db: Db) => (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)).rows.map((row) => row.name);
  const [from, to] = [await applied(source), await applied(target)];
  const last = (names: string[]) => names.at(-1) ?? 'none';
  if (from.join('\n') !== to.join('\n')) {
    throw new CopyRefused(`The databases are at different versions (SQLite ${last(from)}, PostgreSQL ${last(to)}); run the same Weaver release on both.`);
  }
  return last(from);
}

/** Parents before children, from SQLite's own foreign-key lists; a table's references to itself are set after its rows. */
export async function foreignKeyOrder(db: Db, tables: readonly string[]): Promise<string[]> {
  const parents = new Map<string, Set<string>>();
  for (const table of tables) {
    const keys = await sql<{ parent: string }>`select "table" as parent from pragma_foreign_key_list(${table})`.execute(db);
    parents.set(table, new Set(keys.rows.map((key) => key.parent).filter((parent) => parent !== table && tables.includes(parent))));
  }
  const ordered: string[] = [];
  const done = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((table) => !done.has(table) && [...parents.get(table)!].every((parent) => done.has(parent)));
    if (ready.length === 0) {
      const left = tables.filter((table) => !done.has(table));
      throw new Error(`The foreign keys of ${left.join(', ')} form a cycle; they cannot be copied table by table.`);
    }
    for (const table of ready) {
      ordered.push(table);
      done.add(table);
    }
  }
  return ordered;
}

/** Each table's stored columns (generated ones, such as fts_scope and search, are computed by each engine itself). */
async function plan(source: Db, target: Db, tables: readonly string[]): Promise<Plan[]> {
  const targetColumns = await sql<{ table: string; column: string }>`
    select table_name as table, column_name as column from information_schema.columns
    where table_schema = current_schema() and is_generated = 'NEVER'`.execute(target);
  const onTarget = new Map<string, Set<string>>();
  for (const row of targetColumns.rows) onTarget.set(row.table, (onTarget.get(row.table) ?? new Set()).add(row.column));
  const plans: Plan[] = [];
  for (const table of tables) {
    const columns = await sql<{ name: string; pk: number }>`select name, pk from pragma_table_xinfo(${table}) where hidden = 0`.execute(source);
    const names = columns.rows.map((column) => column.name);
    const there = onTarget.get(table) ?? new Set<string>();
    const differ = [...names.filter((name) => !there.has(name)), ...[...there].filter((name) => !names.includes(name))];
    if (there.size === 0) throw new Error(`The PostgreSQL database has no table ${table} after migrating.`);
    if (differ.length > 0) throw new Error(`The columns of ${table} differ between the engines (${differ.join(', ')}).`);
    const key = columns.rows
      .filter((column) => column.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((column) => column.name);
    const references = await sql<{ from: string; parent: string }>`select "from", "table" as parent from pragma_foreign_key_list(${table})`.execute(source);
    const selfReferences = references.rows.filter((reference) => reference.parent === table).map((reference) => reference.from);
    if (selfReferences.length > 0 && key.length === 0) throw new Error(`${table} refers to itself but has no primary key; it cannot be copied.`);
    plans.push({ table, columns: names, key, selfReferences });
  }
  return plans;
}

async function copyTable(from: AnyTables, into: AnyTables, { table, columns, key, selfReferences }: Plan, batchSize: number): Promise<number> {
  const perBatch = Math.max(1, Math.min(batchSize, Math.floor(parametersPerBatch / columns.length)));
  let query = from.selectFrom(table).select(columns as string[]);
  for (const column of key) query = query.orderBy(column);
  let batch: Record<string, unknown>[] = [];
  const later: Record<string, unknown>[] = [];
  let copied = 0;
  const flush = async () => {
    if (batch.length > 0) await into.insertInto(table).values(batch).execute();
    copied += batch.length;
    batch = [];
  };
  for await (const row of query.stream()) {
    if (selfReferences.some((column) => row[column] !== null)) {
      later.push(row);
      batch.push({ ...row, ...Object.fromEntries(selfReferences.map((column) => [column, null])) });
    } else batch.push(row);
    if (batch.length >= perBatch) await flush();
  }
  await flush();
  for (const row of later) {
    let update = into.updateTable(table).set(Object.fromEntries(selfReferences.map((column) => [column, row[column]])));
    for (const column of key) update = update.where(column, '=', row[column]);
    await update.execute();
  }
  return copied;
}

/** Identity columns were given explicit ids: their sequences now start after the largest one. */
async function resetIdentities(db: Db): Promise<void> {
  const identities = await sql<{ table: string; column: string }>`
    select table_name as table, column_name as column from information_schema.columns
    where table_schema = current_schema() and is_identity = 'YES'`.execute(db);
  for (const { table, column } of identities.rows) {
    await sql`select setval(pg_get_serial_sequence(${`"${table}"`}, ${column}), coalesce(max(${sql.ref(column)}), 0) + 1, false)
      from ${sql.table(table)}`.execute(db);
  }
}

async function countRows(db: Db, table: string): Promise<number> {
  const row = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(row.rows[0]?.n ?? 0);
}

function loose(db: Db): AnyTables {
  return db as unknown as AnyTables;
}

/** The counts as a table, source beside target, and a last line that says whether they all agree (and if not, where). */
export function describeCopy(report: CopyReport): string {
  const width = Math.max(5, ...report.tables.map((count) => count.table.length));
  const line = (table: string, source: string, target: string, mark = '') => `${table.padEnd(width)}  ${source.padStart(8)}  ${target.padStart(10)}${mark}`;
  const rows = report.tables.map((count) => line(count.table, String(count.source), String(count.target), count.source === count.target ? '' : '  ← differs'));
  const total = report.tables.reduce((sum, count) => sum + count.source, 0);
  const verdict =
    report.mismatches.length === 0
      ? `All ${report.tables.length} tables match (${total} rows, schema ${report.migration}).`
      : `Counts differ in ${report.mismatches.map((count) => `${count.table} (SQLite ${count.source}, PostgreSQL ${count.target})`).join(', ')}; the copy is not complete.`;
  return [line('table', 'SQLite', 'PostgreSQL'), ...rows, verdict].join('\n');
}
