import { homeChannels, listCommunities, listCoordinators } from '../communities/communities.js';
import { findMember } from '../communities/members.js';
import { memberCounts, membersOf } from '../communities/membership.js';
import { listUpcomingEvents } from '../events/events.js';
import { bestPerThread, searchKnowledge, snippetClose, snippetOpen, snippetsFor, type KnowledgeHit, type KnowledgeMatch } from '../harvest/search.js';
import { formatDate, formatInZone } from '../kernel/time.js';
import { statsFields } from '../reports/stats.js';
import type { Community, Member } from '../storage/schema.js';
import type { Services } from '../storage/services.js';
import type { PageScope } from './chart-data.js';
import { renderChartSvg, type Cell, type ChartData } from './charts.js';
import { html, raw, renderRich, safeUrl, type Html } from './html.js';
import { chartProviders, communitySections, directoryColumns, memberColumns } from './sections.js';
import type { WebIdentity } from './sign-in.js';

/** Someone with privacy off is never named on a page, even for what was kept from before. */
export function nameOf(member: Pick<Member, 'privacy_on' | 'display_name' | 'user_id'> | undefined): string | undefined {
  if (!member || member.privacy_on === 0) return undefined;
  return member.display_name ?? member.user_id;
}

export function isAdminIdentity(services: Services, identity: WebIdentity): boolean {
  return identity.platformAdmin || services.settings.admins.some((a) => a.platform === identity.user.platform && a.userId === identity.user.userId);
}

/** Coordinators of the community (or of one in its scope) and admins see its members page. */
export async function maySeeMembers(services: Services, identity: WebIdentity, scope: PageScope): Promise<boolean> {
  if (isAdminIdentity(services, identity)) return true;
  const member = await findMember(services.db, identity.user);
  if (!member) return false;
  const row = await services.db
    .selectFrom('coordinator')
    .select('member_id')
    .where('member_id', '=', member.id)
    .where('community_id', 'in', [...scope.communityIds])
    .executeTakeFirst();
  return row !== undefined;
}

export async function renderDirectory(services: Services): Promise<Html> {
  const now = services.clock.now();
  const communities = await listCommunities(services.db);
  const counts = await memberCounts(services.db);
  const extra = await Promise.all(directoryColumns.map(async (column) => ({ label: column.label, values: await column.values(services, communities, now) })));
  const cards = await Promise.all(
    communities.map(async (c) => {
      const tally = counts.get(c.id) ?? { core: 0, wider: 0 };
      const homes = await homeChannels(services.db, c.id);
      const [next] = await listUpcomingEvents(services.db, now, c.id, 1);
      return html`<li class="card">
        <h2><a href="/communities/${c.slug}">${c.name}</a></h2>
        <span class="status status-${c.status}">${c.status}</span>
        ${c.domain ? html`<p>${firstLine(c.domain)}</p>` : html`<p class="muted">No domain described yet.</p>`}
        <dl class="facts">
          <dt>Sponsor</dt>
          <dd>${c.sponsor ?? 'none'}</dd>
          <dt>Members</dt>
          <dd>${tally.core} core, ${tally.wider} wider</dd>
          <dt>Home channels</dt>
          <dd>${homes.length ? homes.map((h, i) => html`${i ? ', ' : ''}#${h.channel_name ?? h.channel_id} (${h.platform})`) : 'none yet'}</dd>
          <dt>Next event</dt>
          <dd>${next ? html`${next.title}, ${formatInZone(next.starts_at, next.timezone)}` : 'none planned'}</dd>
          ${extra.map((column) => {
            const value = column.values.get(c.id);
            return value
              ? html`<dt>${column.label}</dt>
                  <dd>${value}</dd>`
              : '';
          })}
        </dl>
      </li>`;
    }),
  );
  return html`<h1>Communities</h1>
    <p class="lede">
      ${communities.length} ${communities.length === 1 ? 'community' : 'communities'} of practice. Open one for its health, knowledge and members.
    </p>
    ${
      communities.length
        ? html`<ul class="cards">
            ${cards}
          </ul>`
        : html`<p class="notice">No communities yet. An admin starts one with <code>/cop create &lt;slug&gt; &lt;name&gt;</code>.</p>`
    }`;
}

function tabs(scope: PageScope, current: 'overview' | 'knowledge' | 'members', showMembers: boolean): Html {
  const slug = scope.community.slug;
  const tab = (key: typeof current, href: string, label: string) => html`<a href="${href}" ${key === current ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<nav class="tabs" aria-label="${scope.community.name}">
    ${tab('overview', `/communities/${slug}`, 'Overview')}${tab('knowledge', `/communities/${slug}/knowledge`, 'Knowledge')}${
      showMembers ? tab('members', `/communities/${slug}/members`, 'Members') : ''
    }
  </nav>`;
}

function heading(c: Community): Html {
  return html`<h1>${c.name}</h1>
    <p><span class="status status-${c.status}">${c.status}</span> <span class="muted">${c.slug}</span></p>`;
}

/** Every chart of the page with its data, in the order of chartProviders. */
export async function gatherCharts(services: Services, scope: PageScope, now: number): Promise<ChartData[]> {
  const charts: ChartData[] = [];
  for (const provider of chartProviders) {
    const chart = await provider.gather(services, scope, now);
    if (chart) charts.push(chart);
  }
  return charts;
}

export function renderChart(chart: ChartData, slug: string): Html {
  const numeric = (value: Cell) => typeof value === 'number';
  // The SVG comes from ECharts, which escapes every text it draws; withoutInlineStyles has made it CSP-safe.
  return html`<figure class="chart" id="${chart.id}" aria-labelledby="${chart.id}-title">
    <h3 id="${chart.id}-title">${chart.title}</h3>
    <div role="img" aria-label="${chart.title}: ${chart.caption}">${raw(renderChartSvg(chart))}</div>
    <figcaption>${chart.caption} <a href="/communities/${slug}/charts/${chart.id}.csv" download>Download CSV</a></figcaption>
    <details>
      <summary>Data table</summary>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              ${chart.columns.map((column, i) => html`<th scope="col" ${i ? html` class="n"` : ''}>${column}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${chart.rows.map(
              (row) =>
                html`<tr>
                  ${row.map((cell) => html`<td${numeric(cell) ? html` class="n"` : ''}>${cell ?? '–'}</td>`)}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>
  </figure>`;
}

export async function renderCommunityPage(services: Services, identity: WebIdentity, scope: PageScope): Promise<Html> {
  const now = services.clock.now();
  const c = scope.community;
  const [coordinators, fields, showMembers, charts] = await Promise.all([
    listCoordinators(services.db, c.id),
    statsFields(services, c),
    maySeeMembers(services, identity, scope),
    gatherCharts(services, scope, now),
  ]);
  const named = coordinators.map(nameOf).filter((name): name is string => name !== undefined);
  const hidden = coordinators.length - named.length;
  const coordinatorText = coordinators.length
    ? `${named.join(', ')}${hidden ? `${named.length ? ' and ' : ''}${hidden} who ${hidden === 1 ? 'keeps their name' : 'keep their names'} private` : ''}`
    : 'none yet';
  const sections = [];
  for (const section of communitySections) {
    const shown = await section(services, scope, now);
    if (shown)
      sections.push(
        html`<section>
          <h2>${shown.title}</h2>
          ${shown.body}
        </section>`,
      );
  }
  return html`${heading(c)} ${tabs(scope, 'overview', showMembers)}
    <section>
      <p>${c.domain ?? 'No domain described yet.'}</p>
      <dl class="facts">
        <dt>Sponsor</dt>
        <dd>${c.sponsor ?? 'none'}</dd>
        <dt>Coordinators</dt>
        <dd>${coordinatorText}</dd>
      </dl>
    </section>
    ${sections}
    <section aria-labelledby="numbers">
      <h2 id="numbers">In numbers</h2>
      <dl class="facts" id="stats">
        ${fields.map(
          (field) =>
            html`<dt>${field.label}</dt>
              <dd>${renderRich(field.value)}</dd>`,
        )}
      </dl>
    </section>
    <section aria-labelledby="charts">
      <h2 id="charts">Over the last year</h2>
      ${charts.map((chart) => renderChart(chart, c.slug))}
    </section>`;
}

export async function renderKnowledgePage(services: Services, identity: WebIdentity, scope: PageScope, query: string): Promise<Html> {
  const now = services.clock.now();
  const c = scope.community;
  const showMembers = await maySeeMembers(services, identity, scope);
  const trimmed = query.trim().slice(0, 200);
  const results = trimmed ? await searchResults(services, scope, trimmed, now) : await latestKnowledge(services, scope);
  return html`${heading(c)} ${tabs(scope, 'knowledge', showMembers)}
    <form class="search" method="get" action="/communities/${c.slug}/knowledge" role="search">
      <label for="q" class="muted">Search</label>
      <input id="q" name="q" type="search" value="${trimmed}" placeholder="Questions, answers and practices" />
      <button type="submit">Search</button>
    </form>
    ${results}`;
}

async function authorsOf(services: Services, memberIds: readonly number[]): Promise<Map<number, Member>> {
  if (memberIds.length === 0) return new Map();
  const rows = await services.db
    .selectFrom('member')
    .selectAll()
    .where('id', 'in', [...new Set(memberIds)])
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}

const roleText: Record<KnowledgeHit['role'], string> = { answer: 'Answer', question: 'Question', reply: 'Reply', practice: 'Practice' };
const byText: Record<KnowledgeHit['role'], string> = { question: 'asked by', answer: 'answered by', reply: 'a reply by', practice: 'shared by' };

function marked(snippet: string): Html {
  return html`${snippet.split(snippetOpen).map((part, i) => {
    if (i === 0) return part.replaceAll(snippetClose, '');
    const close = part.indexOf(snippetClose);
    return close < 0 ? part : html`<mark>${part.slice(0, close)}</mark>${part.slice(close + 1).replaceAll(snippetClose, '')}`;
  })}`;
}

async function searchResults(services: Services, scope: PageScope, query: string, now: number): Promise<Html> {
  const hits: KnowledgeHit[] = [];
  const matches = new Map<number, KnowledgeMatch>();
  for (const communityId of scope.communityIds) {
    const outcome = await searchKnowledge(services.db, query, { communityId, now });
    hits.push(...outcome.hits);
    matches.set(communityId, outcome.match);
  }
  const best = bestPerThread(hits.sort((a, b) => a.score - b.score)).slice(0, 30);
  if (best.length === 0) return html`<p class="notice">Nothing found for “${query}”. Try fewer or other words.</p>`;
  const snippets = new Map<string, string>();
  for (const [communityId, match] of matches) {
    for (const source of ['harvest', 'practice'] as const) {
      const ids = best.filter((hit) => hit.source === source && hit.communityId === communityId).map((hit) => hit.id);
      for (const [id, snippet] of await snippetsFor(services.db, source, match, ids)) snippets.set(`${source}:${id}`, snippet);
    }
  }
  // A question found by any of its messages shows with its marked answer: that is what the reader came for.
  const threadIds = [...new Set(best.flatMap((hit) => (hit.threadId === undefined ? [] : [hit.threadId])))];
  const threadMessages = threadIds.length
    ? await services.db
        .selectFrom('harvest_message')
        .select(['thread_id', 'role', 'text', 'member_id'])
        .where('thread_id', 'in', threadIds)
        .where('role', 'in', ['question', 'answer'])
        .where('harvested', '=', 1)
        .execute()
    : [];
  const authors = await authorsOf(services, [...best.map((hit) => hit.memberId), ...threadMessages.map((m) => m.member_id)]);
  const by = (memberId: number) => nameOf(authors.get(memberId)) ?? 'a member';
  return html`<p class="muted">${best.length} ${best.length === 1 ? 'result' : 'results'} for “${query}”.</p>
    <ol class="hits">
      ${best.map((hit) => {
        const url = safeUrl(hit.permalink);
        const snippet = snippets.get(`${hit.source}:${hit.id}`);
        const found = snippet ? marked(snippet) : hit.text;
        const source = url ? html` · <a href="${url}">source</a>` : '';
        if (hit.threadId !== undefined) {
          const question = threadMessages.find((m) => m.thread_id === hit.threadId && m.role === 'question');
          const answer = threadMessages.find((m) => m.thread_id === hit.threadId && m.role === 'answer');
          return html`<li>
            <span class="role">Question</span>
            <p>${hit.role === 'question' ? found : (question?.text ?? '')}</p>
            ${
              answer
                ? html`<span class="role">Answer</span>
                    <p>${hit.role === 'answer' ? found : answer.text}</p>
                    <p class="muted">answered by ${by(answer.member_id)}</p>`
                : ''
            }
            ${
              hit.role === 'reply'
                ? html`<span class="role">Reply</span>
                    <p>${found}</p>`
                : ''
            }
            <p class="muted">${byText[hit.role]} ${by(hit.memberId)}, ${formatDate(hit.at, scope.zone)}${source}</p>
          </li>`;
        }
        return html`<li>
          <span class="role">${roleText[hit.role]}</span>
          <p>${found}</p>
          <p class="muted">${byText[hit.role]} ${by(hit.memberId)}, ${formatDate(hit.at, scope.zone)}${source}</p>
        </li>`;
      })}
    </ol>`;
}

async function latestKnowledge(services: Services, scope: PageScope): Promise<Html> {
  const ids = [...scope.communityIds];
  const threads = await services.db
    .selectFrom('harvest_thread')
    .select(['id', 'permalink', 'harvested_at'])
    .where('community_id', 'in', ids)
    .where('harvested_at', 'is not', null)
    .orderBy('harvested_at', 'desc')
    .limit(30)
    .execute();
  const messages = threads.length
    ? await services.db
        .selectFrom('harvest_message')
        .select(['thread_id', 'role', 'text', 'member_id', 'permalink', 'posted_at'])
        .where(
          'thread_id',
          'in',
          threads.map((t) => t.id),
        )
        .where('role', 'in', ['question', 'answer'])
        .where('harvested', '=', 1)
        .execute()
    : [];
  const practices = await services.db
    .selectFrom('practice')
    .select(['id', 'text', 'member_id', 'permalink', 'created_at'])
    .where('community_id', 'in', ids)
    .orderBy('created_at', 'desc')
    .limit(30)
    .execute();
  const authors = await authorsOf(services, [...messages.map((m) => m.member_id), ...practices.map((p) => p.member_id)]);
  const by = (memberId: number) => nameOf(authors.get(memberId)) ?? 'a member';
  const qa = threads.flatMap((thread) => {
    const question = messages.find((m) => m.thread_id === thread.id && m.role === 'question');
    const answer = messages.find((m) => m.thread_id === thread.id && m.role === 'answer');
    if (!question) return [];
    const url = safeUrl(thread.permalink ?? question.permalink);
    return [
      html`<li>
        <span class="role">Question</span>
        <p>${question.text}</p>
        <p class="muted">asked by ${by(question.member_id)}, ${formatDate(question.posted_at, scope.zone)}${url ? html` · <a href="${url}">source</a>` : ''}</p>
        ${
          answer
            ? html`<span class="role">Answer</span>
                <p>${answer.text}</p>
                <p class="muted">answered by ${by(answer.member_id)}</p>`
            : ''
        }
      </li>`,
    ];
  });
  return html`<h2>Questions answered</h2>
    ${
      qa.length
        ? html`<ul class="plain">
            ${qa}
          </ul>`
        : html`<p class="muted">No harvested answers yet.</p>`
    }
    <h2>Practices shared</h2>
    ${
      practices.length
        ? html`<ul class="plain">
            ${practices.map((p) => {
              const url = safeUrl(p.permalink);
              return html`<li>
                <p>${p.text}</p>
                <p class="muted">shared by ${by(p.member_id)}, ${formatDate(p.created_at, scope.zone)}${url ? html` · <a href="${url}">source</a>` : ''}</p>
              </li>`;
            })}
          </ul>`
        : html`<p class="muted">No practices shared yet.</p>`
    }`;
}

export type MemberTable = Readonly<{ columns: readonly string[]; rows: readonly (readonly Cell[])[] }>;

/** The members page's table, also its CSV: names only of people who allow it. */
export async function gatherMemberTable(services: Services, scope: PageScope, now: number): Promise<MemberTable> {
  const ids = [...scope.communityIds];
  const members = (await Promise.all(ids.map((id) => membersOf(services.db, id)))).flat();
  const practices = await services.db
    .selectFrom('practice')
    .select(['member_id', (eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('created_at').as('last')])
    .where('community_id', 'in', ids)
    .groupBy('member_id')
    .execute();
  const messages = await services.db
    .selectFrom('harvest_message')
    .select([
      'member_id',
      (eb) => eb.fn.sum<number>(eb.case().when('role', '=', 'answer').then(1).else(0).end()).as('answers'),
      (eb) => eb.fn.max('posted_at').as('last'),
    ])
    .where('community_id', 'in', ids)
    .where('harvested', '=', 1)
    .groupBy('member_id')
    .execute();
  const practiceBy = new Map(practices.map((row) => [row.member_id, row]));
  const messageBy = new Map(messages.map((row) => [row.member_id, row]));
  const extra = await Promise.all(
    memberColumns.map(async (column) => ({
      label: column.label,
      values: await column.values(
        services,
        scope,
        members.map((m) => m.id),
        now,
      ),
    })),
  );
  const rows = members.map((m) => {
    const last = Math.max(Number(practiceBy.get(m.id)?.last ?? 0), Number(messageBy.get(m.id)?.last ?? 0));
    return [
      nameOf(m) ?? 'A member (name kept private)',
      m.tier,
      formatDate(m.joined_at, scope.zone),
      Number(practiceBy.get(m.id)?.n ?? 0),
      Number(messageBy.get(m.id)?.answers ?? 0),
      last ? formatDate(last, scope.zone) : null,
      ...extra.map((column) => column.values.get(m.id) ?? null),
    ];
  });
  return { columns: ['Member', 'Tier', 'Joined', 'Practices', 'Answers', 'Last contribution', ...extra.map((column) => column.label)], rows };
}

export async function renderMembersPage(services: Services, scope: PageScope): Promise<Html> {
  const table = await gatherMemberTable(services, scope, services.clock.now());
  const c = scope.community;
  return html`${heading(c)} ${tabs(scope, 'members', true)}
    <p class="lede">
      ${table.rows.length} ${table.rows.length === 1 ? 'member' : 'members'}. Only coordinators and admins see this page.
      <a href="/communities/${c.slug}/members.csv" download>Download CSV</a>
    </p>
    <div class="table-wrap">
      <table id="members">
        <thead>
          <tr>
            ${table.columns.map((column) => html`<th scope="col">${column}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${table.rows.map(
            (row) =>
              html`<tr>
                ${row.map((cell) => html`<td${typeof cell === 'number' ? html` class="n"` : ''}>${cell ?? '–'}</td>`)}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0]!.trim();
  return line.length > 160 ? `${line.slice(0, 157)}…` : line;
}
