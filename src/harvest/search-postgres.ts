import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../storage/database.js';

// Search on PostgreSQL: the stored `search` tsvector (english stemming, as FTS5's porter tokenizer on SQLite) with a
// GIN index. Like the SQLite path, the most recent matches are the candidates and are ranked among themselves, so a
// common word costs the same bounded work at any size.

type Match = Readonly<{ terms: readonly string[]; mode: 'all' | 'any'; scope?: number | readonly number[] }>;
type Source = 'harvest' | 'practice';

const candidateLimit = 200;
const tableOf = { harvest: 'harvest_message', practice: 'practice' } as const;

/** The query as websearch_to_tsquery reads it: never a syntax error, whatever the words. */
function tsQuery(match: Match): RawBuilder<unknown> {
  // `or` is websearch syntax (and an english stop word): left out, so that a user's "or" is never an operator.
  const words = match.terms.filter((term) => term !== 'or');
  return sql`websearch_to_tsquery('english', ${words.join(match.mode === 'all' ? ' ' : ' or ')})`;
}

function inScope(match: Match): RawBuilder<unknown> {
  if (match.scope === undefined) return sql`true`;
  const ids = typeof match.scope === 'number' ? [match.scope] : match.scope;
  return ids.length === 0 ? sql`false` : sql`community_id in (${sql.join(ids.map((id) => Math.trunc(id)))})`;
}

/** The best-ranked of the most recent matches; scores are negative, lower is better, as on SQLite. */
export async function rankCandidates(db: Db, source: Source, match: Match, keep: number): Promise<{ id: number; score: number }[]> {
  const harvestedOnly = source === 'harvest' ? sql`and harvested = 1` : sql``;
  const result = await sql<{ id: number; rank: number }>`
    with query as (select ${tsQuery(match)} as q),
    recent as (
      select id, search from ${sql.table(tableOf[source])}, query
      where search @@ query.q ${harvestedOnly} and ${inScope(match)}
      order by id desc limit ${candidateLimit})
    select id, ts_rank(search, query.q, 1) as rank from recent, query order by rank desc, id desc limit ${keep}`.execute(db);
  return result.rows.map((row) => ({ id: row.id, score: -row.rank }));
}

/** Highlighted passages of the given rows, marked with `open` and `close` around each matching word. */
export async function snippetsFor(
  db: Db,
  source: Source,
  match: Match,
  ids: readonly number[],
  markers: { open: string; close: string },
): Promise<Map<number, string>> {
  const options = `StartSel="${markers.open}", StopSel="${markers.close}", MaxWords=24, MinWords=12, MaxFragments=1, FragmentDelimiter=" … "`;
  const result = await sql<{ id: number; text: string; snippet: string }>`
    select id, text, ts_headline('english', text, ${tsQuery(match)}, ${options}) as snippet
    from ${sql.table(tableOf[source])} where id in (${sql.join([...ids])})`.execute(db);
  return new Map(result.rows.map((row) => [row.id, withEllipses(row.text, row.snippet, markers)]));
}

// A passage cut from a longer text says so at the cut ends, as FTS5's snippet() does; one that holds the whole text
// keeps the text's closing punctuation, which ts_headline leaves off.
const wordPattern = /[\p{L}\p{N}]+/gu;

function withEllipses(text: string, snippet: string, markers: { open: string; close: string }): string {
  const textWords = text.match(wordPattern) ?? [];
  const shownWords = snippet.replaceAll(markers.open, '').replaceAll(markers.close, '').match(wordPattern) ?? [];
  const cutAtStart = shownWords[0] !== textWords[0];
  const cutAtEnd = shownWords.at(-1) !== textWords.at(-1);
  const closing = cutAtEnd ? '…' : (/[^\p{L}\p{N}]*$/u.exec(text.trimEnd())?.[0] ?? '');
  return `${cutAtStart ? '…' : ''}${snippet.trim()}${closing}`;
}
