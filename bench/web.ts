// Figure 6, the web pages: `npx tsx bench/web.ts [--smoke]`.
// One community with 5,000 members who joined over a year (some left, some moved tier), a year of practices,
// questions with first replies and harvested answers, weekly prompts with replies, and events with RSVPs, written
// with raw prepared inserts after the migrations. The community page (every chart, its table, the stats beside it)
// is rendered as the HTTP handler renders it and timed against the same data's `/cop stats` through the command layer.
import SQLite from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { manualClock } from '../src/kernel/clock.js';
import { commands } from '../src/commands/index.js';
import type { Invocation } from '../src/commands/define.js';
import { executeText } from '../src/commands/run.js';
import { findCommunityBySlug } from '../src/communities/communities.js';
import { openMigratedDatabase } from '../src/storage/database.js';
import { clearChartCache } from '../src/web/charts.js';
import { renderPage, type Html } from '../src/web/html.js';
import { renderCommunityPage, renderKnowledgePage, renderMembersPage } from '../src/web/pages.js';
import { scopeOf } from '../src/web/sections.js';
import type { WebIdentity } from '../src/web/sign-in.js';
import { finish, isMain, parseArgs, peakRssMb, percentile, ratioRow, row, seededRandom, sortedCopy, type BenchOptions, type Figure } from './lib/report.js';
import { benchDatabasePath, benchServices, removeBenchDatabase } from './lib/services.js';

const now = Date.parse('2026-11-23T10:00:00Z');
const day = 86_400_000;
const yearMs = 365 * day;

export function fill(path: string, members: number): void {
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  const random = seededRandom(6);
  const at = () => now - Math.floor(random() * yearMs);
  const insert = {
    member: sqlite.prepare(
      "insert into member (id, platform, workspace_id, user_id, display_name, privacy_on, created_at) values (?, 'slack', 'T1', ?, ?, ?, 0)",
    ),
    membership: sqlite.prepare('insert into membership (community_id, member_id, tier, joined_at) values (1, ?, ?, ?)'),
    change: sqlite.prepare('insert into membership_change (community_id, member_id, change, tier, at) values (1, ?, ?, ?, ?)'),
    practice: sqlite.prepare(
      'insert into practice (community_id, member_id, text, source, prompt_post_id, created_at, updated_at) values (1, ?, ?, ?, ?, ?, ?)',
    ),
    thread: sqlite.prepare(
      "insert into harvest_thread (id, community_id, platform, workspace_id, channel_id, root_message_id, asker_member_id, source, asked_at, first_reply_at, harvested_at) values (?, 1, 'slack', 'T1', 'C1', ?, ?, 'message', ?, ?, ?)",
    ),
    message: sqlite.prepare(
      "insert into harvest_message (thread_id, community_id, platform, workspace_id, channel_id, message_id, member_id, role, text, posted_at, harvested) values (?, 1, 'slack', 'T1', 'C1', ?, ?, ?, ?, ?, 1)",
    ),
    prompt: sqlite.prepare("insert into prompt (id, community_id, text, created_at) values (1, 1, 'What worked this week?', 0)"),
    outbox: sqlite.prepare(
      "insert into outbox (id, key, platform, workspace_id, channel_id, reply, not_before, next_attempt_at, status, created_at, sent_at) values (?, ?, 'slack', 'T1', 'C1', '{}', ?, ?, 'sent', ?, ?)",
    ),
    promptPost: sqlite.prepare('insert into prompt_post (id, community_id, prompt_id, occurrence_at, outbox_id) values (?, 1, 1, ?, ?)'),
    event: sqlite.prepare(
      "insert into event (id, community_id, title, starts_at, ends_at, timezone, reminders, created_at, updated_at) values (?, 1, ?, ?, ?, 'UTC', '1d,1h', 0, 0)",
    ),
    rsvp: sqlite.prepare('insert into rsvp (event_id, member_id, answer, updated_at) values (?, ?, ?, 0)'),
  };
  sqlite.transaction(() => {
    sqlite
      .prepare(
        "insert into community (id, slug, name, domain, sponsor, status, created_at, updated_at) values (1, 'big', 'A big community', 'Everything', 'A sponsor', 'launched', 0, 0)",
      )
      .run();
    sqlite
      .prepare("insert into home_channel (community_id, platform, workspace_id, channel_id, channel_name, linked_at) values (1, 'slack', 'T1', 'C1', 'big', 0)")
      .run();
    for (let id = 1; id <= members; id++) {
      insert.member.run(id, `U${id}`, `member${id}`, random() < 0.05 ? 0 : 1);
      const joined = at();
      const tier = random() < 0.2 ? 'core' : 'wider';
      insert.change.run(id, 'joined', tier, joined);
      // One in ten has left since; one in ten moved tier.
      if (random() < 0.1) insert.change.run(id, 'left', null, joined + Math.floor(random() * (now - joined)));
      else {
        let current = tier;
        if (random() < 0.1) {
          current = tier === 'core' ? 'wider' : 'core';
          insert.change.run(id, 'tier', current, joined + Math.floor(random() * (now - joined)));
        }
        insert.membership.run(id, current, joined);
      }
    }
    insert.prompt.run();
    for (let week = 0; week < 52; week++) {
      const occurrence = now - week * 7 * day - day;
      insert.outbox.run(week + 1, `prompt-${week}`, occurrence, occurrence, occurrence, occurrence);
      insert.promptPost.run(week + 1, occurrence, week + 1);
      const replies = Math.floor(random() * 6);
      for (let r = 0; r < replies; r++)
        insert.practice.run(
          1 + Math.floor(random() * members),
          `A reply to the prompt ${week}.${r}`,
          'prompt-reply',
          week + 1,
          occurrence + 3_600_000,
          occurrence,
        );
    }
    for (let p = 0; p < 3_000; p++) {
      const created = at();
      insert.practice.run(
        1 + Math.floor(random() * members),
        `Practice ${p}: we tried a method with the school visits and it worked`,
        'command',
        null,
        created,
        created,
      );
    }
    for (let t = 1; t <= 1_500; t++) {
      const asked = at();
      const asker = 1 + Math.floor(random() * members);
      const replied = random() < 0.8 ? asked + Math.floor(random() * 2 * day) : null;
      const harvested = replied && random() < 0.6 ? replied + 3_600_000 : null;
      insert.thread.run(t, `q${t}`, asker, asked, replied, harvested);
      if (harvested) {
        insert.message.run(t, `q${t}`, asker, 'question', `How do we evaluate outreach visit number ${t}?`, asked);
        insert.message.run(t, `a${t}`, 1 + Math.floor(random() * members), 'answer', `Use a short exit survey, as in visit ${t}.`, replied);
      }
    }
    for (let e = 1; e <= 60; e++) {
      const starts = now - yearMs + e * 7 * day;
      insert.event.run(e, `Session ${e}`, starts, starts + 3_600_000);
      const answered = new Set<number>();
      for (let r = 0; r < 40; r++) answered.add(1 + Math.floor(random() * members));
      for (const member of answered) insert.rsvp.run(e, member, random() < 0.6 ? 'yes' : random() < 0.5 ? 'maybe' : 'no');
    }
  })();
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
}

export async function runWeb(options: BenchOptions): Promise<Figure> {
  const began = performance.now();
  const members = options.smoke ? 200 : 5_000;
  const rounds = options.smoke ? 5 : 60;
  const path = benchDatabasePath('web');
  await (await openMigratedDatabase(path)).destroy();
  const fillStarted = performance.now();
  fill(path, members);
  const fillSeconds = (performance.now() - fillStarted) / 1000;

  const db = await openMigratedDatabase(path);
  const clock = manualClock(now);
  const services = benchServices(db, clock);
  const community = (await findCommunityBySlug(db, 'big'))!;
  const identity: WebIdentity = { user: { platform: 'slack', workspaceId: 'T1', userId: 'U1' }, platformAdmin: true };
  const invocation: Invocation = {
    caller: { user: identity.user, name: 'member1', isPlatformAdmin: false },
    channel: { platform: 'slack', workspaceId: 'T1', channelId: 'C1', name: 'big' },
  };
  const page = async (render: () => Promise<Html>) => {
    const t0 = performance.now();
    renderPage({ title: 'x', body: await render(), signedIn: { name: 'member1', csrf: 'x' } });
    return performance.now() - t0;
  };
  const times = { page: [] as number[], fresh: [] as number[], stats: [] as number[], members: [] as number[], knowledge: [] as number[] };
  let bytes = 0;
  for (let round = 0; round <= rounds; round++) {
    // A minute passes between views, as between two people opening the page.
    clock.advance(60_000);
    const scope = await scopeOf(services, community);
    const t0 = performance.now();
    const body = await renderCommunityPage(services, identity, scope);
    const html = renderPage({ title: community.name, body, signedIn: { name: 'member1', csrf: 'x' } });
    const pageMs = performance.now() - t0;
    bytes = html.length;
    clearChartCache();
    const freshMs = await page(() => renderCommunityPage(services, identity, scope));
    const t1 = performance.now();
    await executeText(services, commands, invocation, 'stats big');
    const statsMs = performance.now() - t1;
    const membersMs = await page(() => renderMembersPage(services, scope));
    const knowledgeMs = await page(() => renderKnowledgePage(services, identity, scope, 'evaluate outreach survey'));
    if (round === 0) continue;
    times.page.push(pageMs);
    times.fresh.push(freshMs);
    times.stats.push(statsMs);
    times.members.push(membersMs);
    times.knowledge.push(knowledgeMs);
  }
  await db.destroy();
  if (process.env.BENCH_KEEP) console.log('kept', path);
  else removeBenchDatabase(path);

  const sorted = Object.fromEntries(Object.entries(times).map(([key, values]) => [key, sortedCopy(values)])) as Record<keyof typeof times, number[]>;
  const p95 = (key: keyof typeof times) => percentile(sorted[key], 0.95);
  return {
    name: 'web',
    title: `6. Web pages: one community of ${members.toLocaleString('en-US')} members and a year of activity`,
    size: options.smoke ? 'smoke' : 'full',
    rows: [
      row('community page p50', percentile(sorted.page, 0.5), 'ms', { baseline: percentile(sorted.stats, 0.5) }),
      row('community page p95', p95('page'), 'ms', { baseline: p95('stats'), goal: { max: 100 } }),
      ratioRow('community page p95 / stats p95', p95('page'), p95('stats')),
      row('community page p95, every chart drawn afresh', p95('fresh'), 'ms', { baseline: p95('stats') }),
      row('members page p95', p95('members'), 'ms'),
      row('knowledge search page p95', p95('knowledge'), 'ms'),
      row('community page size', bytes / 1024, 'KB'),
    ],
    notes: [
      'baseline: `/cop stats` for the same community through executeText (the command layer, rendering included)',
      'community page: every chart’s data gathered from the database, the stats fields, HTML; a chart whose data did not change since the last view reuses its SVG (drawn by ECharts on the server), so the second row draws every chart again',
      `${rounds} views after one warm-up, a minute apart; filled in ${fillSeconds.toFixed(1)} s`,
    ],
    peakRssMb: peakRssMb(),
    seconds: (performance.now() - began) / 1000,
  };
}

if (isMain(import.meta.url)) {
  const args = parseArgs();
  finish(args, await runWeb(args));
}
