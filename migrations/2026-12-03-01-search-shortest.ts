import { sql, type Kysely } from 'kysely';
import { isPostgres } from './engine.js';

// Harvested questions and marked answers again, in a second FTS5 index whose rowid puts the shortest first: a short
// exact question ranks best for its words however old it is, and a common word's most recent matches (the main
// index's candidates) never reach it. The rowid is the length in words times 2^40 plus the message id counted down
// from 2^40, so a length's newest message comes first; contentless, as the text is the main index's to show.
const words = (row: string) => `length(trim(${row}.text)) - length(replace(trim(${row}.text), ' ', '')) + 1`;
const key = (row: string) => `min(${words(row)}, 255) * 1099511627776 + 1099511627775 - ${row}.id`;
const indexed = (row: string) => `${row}.harvested = 1 and ${row}.role in ('question', 'answer')`;

export async function up(db: Kysely<any>): Promise<void> {
  // PostgreSQL ranks its own matches (src/harvest/search-postgres.ts).
  if (isPostgres(db)) return;
  await sql`create virtual table harvest_shortest_fts using fts5(text, fts_scope, content='', contentless_delete=1, detail='column', tokenize='porter unicode61 remove_diacritics 2')`.execute(
    db,
  );
  const insert = (row: string) => `insert into harvest_shortest_fts(rowid, text, fts_scope) values (${key(row)}, ${row}.text, 'c' || ${row}.community_id);`;
  const remove = (row: string) => `delete from harvest_shortest_fts where rowid = ${key(row)};`;
  // Replies, most messages, skip the triggers by their when clause.
  await sql.raw(`create trigger harvest_shortest_insert after insert on harvest_message when ${indexed('new')} begin ${insert('new')} end`).execute(db);
  await sql.raw(`create trigger harvest_shortest_delete after delete on harvest_message when ${indexed('old')} begin ${remove('old')} end`).execute(db);
  await sql
    .raw(
      `create trigger harvest_shortest_update after update of text, harvested, community_id, role on harvest_message when (${indexed('old')}) or (${indexed('new')}) begin
        delete from harvest_shortest_fts where ${indexed('old')} and rowid = ${key('old')};
        insert into harvest_shortest_fts(rowid, text, fts_scope) select ${key('new')}, new.text, 'c' || new.community_id where ${indexed('new')};
      end`,
    )
    .execute(db);
  await sql
    .raw(
      `insert into harvest_shortest_fts(rowid, text, fts_scope) select ${key('m')}, m.text, 'c' || m.community_id from harvest_message m where ${indexed('m')}`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isPostgres(db)) return;
  for (const trigger of ['harvest_shortest_insert', 'harvest_shortest_delete', 'harvest_shortest_update']) await sql.raw(`drop trigger ${trigger}`).execute(db);
  await sql`drop table harvest_shortest_fts`.execute(db);
}
