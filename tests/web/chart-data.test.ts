import { describe, expect, it } from 'vitest';
import { findCommunityBySlug } from '../../src/communities/communities.js';
import { gatherStats } from '../../src/reports/stats.js';
import { promptResponseFields } from '../../src/rhythms/prompt-report.js';
import {
  chartWeeks,
  joinsAndLeaves,
  membersByTier,
  practicesPerWeek,
  promptResponses,
  questionsPerWeek,
  rsvpsPerEvent,
  type PageScope,
} from '../../src/web/chart-data.js';
import { scopeOf } from '../../src/web/sections.js';
import { renderChartSvg, toCsv } from '../../src/web/charts.js';
import { createTestWorld } from '../support/harness.js';

const hour = 3_600_000;
const week = 7 * 24 * hour;

async function scene() {
  const w = await createTestWorld({ now: '2026-11-23T10:00:00Z' });
  const now = w.clock.now();
  await w.run('admin', 'create outreach Outreach');
  const at = async (offset: number, user: string, line: string) => {
    w.clock.set(now + offset);
    const reply = await w.run(user, line);
    if (reply.refusal) throw new Error(reply.text);
  };
  await at(-3 * week - hour, 'ann', 'join outreach');
  await at(-3 * week, 'bob', 'join outreach tier:core');
  await at(-2 * week - hour, 'ann', 'join outreach tier:core');
  await at(-2 * week, 'bob', 'leave outreach');
  await at(-1 * week - hour, 'cora', 'join outreach');
  await at(-hour, 'dan', 'join outreach');
  await at(-10 * week, 'ann', 'share outreach An old practice');
  await at(-hour, 'ann', 'share outreach A new practice');
  await at(-2 * hour, 'cora', 'share outreach Another new practice');
  w.clock.set(now);
  const community = (await findCommunityBySlug(w.db, 'outreach'))!;
  const scope: PageScope = await scopeOf(w.services, community);
  return { w, now, community, scope };
}

const lastRows = <T>(rows: readonly T[], n: number) => rows.slice(rows.length - n);

describe('chart data against the database', () => {
  it('members by tier replays joins, tier changes and leaves week by week, ending at the counts of stats', async () => {
    const { w, now, community, scope } = await scene();
    const chart = (await membersByTier.gather(w.services, scope, now))!;
    expect(chart.rows).toHaveLength(chartWeeks);
    expect(chart.columns).toEqual(['Week from', 'Core', 'Wider']);
    expect(lastRows(chart.rows, 5).map((row) => row.slice(1))).toEqual([
      [0, 0],
      [1, 1], // ann wider, bob core
      [1, 0], // ann core, bob left
      [1, 1], // cora
      [1, 2], // dan
    ]);
    const stats = await gatherStats(w.services, community);
    expect(chart.rows.at(-1)!.slice(1)).toEqual([stats.core, stats.wider]);
    await w.close();
  });

  it('joins and leaves per week are the trend of stats, oldest first', async () => {
    const { w, now, community, scope } = await scene();
    const chart = (await joinsAndLeaves.gather(w.services, scope, now))!;
    const stats = await gatherStats(w.services, community);
    expect(lastRows(chart.rows, 4).map((row) => ({ joined: row[1], left: row[2] }))).toEqual([...stats.trend].reverse());
    expect(lastRows(chart.rows, 4).map((row) => row.slice(1))).toEqual([
      [2, 0],
      [0, 1],
      [1, 0],
      [1, 0],
    ]);
    await w.close();
  });

  it('practices per week count each shared practice in its week; the caption matches stats', async () => {
    const { w, now, community, scope } = await scene();
    const chart = (await practicesPerWeek.gather(w.services, scope, now))!;
    expect(chart.rows.at(-1)![1]).toBe(2);
    expect(chart.rows.at(-11)![1]).toBe(1);
    expect(chart.rows.reduce((sum, row) => sum + Number(row[1]), 0)).toBe(3);
    const stats = await gatherStats(w.services, community);
    expect(chart.caption).toBe(`${stats.practices.total} in all, ${stats.practices.recent} in the last 30 days.`);
    await w.close();
  });

  it('questions per week: asked by when asked, answered by when harvested, and the median hours to a first reply', async () => {
    const { w, now, community, scope } = await scene();
    const ann = await w.db.selectFrom('member').select('id').where('user_id', '=', 'ann').executeTakeFirstOrThrow();
    const thread = (n: number, askedAt: number, firstReplyAt: number | null, harvestedAt: number | null) => ({
      community_id: community.id,
      platform: 'console' as const,
      workspace_id: 'local',
      channel_id: 'general',
      root_message_id: `m${n}`,
      asker_member_id: ann.id,
      source: 'message' as const,
      asked_at: askedAt,
      first_reply_at: firstReplyAt,
      harvested_at: harvestedAt,
    });
    await w.db
      .insertInto('harvest_thread')
      .values([
        thread(1, now - 8 * day(), now - 8 * day() + 2 * hour, now - 6 * day()),
        thread(2, now - 9 * day(), now - 9 * day() + 4 * hour, null),
        thread(3, now - 2 * day(), null, null),
      ])
      .execute();
    const chart = (await questionsPerWeek.gather(w.services, scope, now))!;
    expect(chart.lineColumns).toEqual(['Median hours to first answer']);
    expect(lastRows(chart.rows, 2).map((row) => row.slice(1))).toEqual([
      [2, 0, 3],
      [1, 1, null],
    ]);
    const stats = await gatherStats(w.services, community);
    expect(chart.caption).toContain(`${stats.questions.asked} asked, ${stats.questions.answered} answered; median time to a first answer 3h.`);
    await w.close();
  });

  it('prompt responses per week count prompts posted, those answered and the replies; the caption is the rate of stats', async () => {
    const { w, now, community, scope } = await scene();
    expect(await promptResponses.gather(w.services, scope, now)).toBeUndefined();
    const prompt = await w.db
      .insertInto('prompt')
      .values({ community_id: community.id, text: 'What worked?', created_at: now - 20 * day() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const ann = await w.db.selectFrom('member').select('id').where('user_id', '=', 'ann').executeTakeFirstOrThrow();
    for (const [n, daysAgo, replies] of [
      [1, 10, 2],
      [2, 3, 0],
      [3, 2, 1],
    ] as const) {
      const outbox = await w.db
        .insertInto('outbox')
        .values({
          key: `p${n}`,
          platform: 'console',
          workspace_id: 'local',
          channel_id: 'general',
          user_id: null,
          thread_id: null,
          reply: '{}',
          not_before: 0,
          expires_at: null,
          next_attempt_at: 0,
          status: 'sent',
          claimed_by: null,
          claimed_until: null,
          message_id: `m${n}`,
          permalink: null,
          last_error: null,
          created_at: 0,
          sent_at: 0,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const post = await w.db
        .insertInto('prompt_post')
        .values({ community_id: community.id, prompt_id: prompt.id, rhythm_id: null, occurrence_at: now - daysAgo * day(), outbox_id: outbox.id })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (let r = 0; r < replies; r++) {
        await w.db
          .insertInto('practice')
          .values({
            community_id: community.id,
            member_id: ann.id,
            text: `reply ${n}.${r}`,
            source: 'prompt-reply',
            prompt_post_id: post.id,
            platform: null,
            workspace_id: null,
            channel_id: null,
            message_id: null,
            permalink: null,
            created_at: now,
            updated_at: now,
          })
          .execute();
      }
    }
    const chart = (await promptResponses.gather(w.services, scope, now))!;
    expect(lastRows(chart.rows, 2).map((row) => row.slice(1))).toEqual([
      [1, 1, 2],
      [2, 1, 1],
    ]);
    const [field] = await promptResponseFields(w.services, community, now);
    expect(field!.value[0]).toMatch(/^67% \(2 of 3 prompts/);
    expect(chart.caption).toBe('67% of the prompts of the last 4 weeks drew a reply (2 of 3).');
    await w.close();
  });

  it('RSVPs per event count yes, maybe and no for each event, cancelled ones left out', async () => {
    const { w, now, scope } = await scene();
    expect(await rsvpsPerEvent.gather(w.services, scope, now)).toBeUndefined();
    await w.run('admin', 'event create outreach Debrief 2026-12-03 14:00');
    await w.run('admin', 'event create outreach Cancelled 2026-12-04 14:00');
    await w.run('ann', 'rsvp 1');
    await w.run('cora', 'rsvp 1 answer:maybe');
    await w.run('dan', 'rsvp 1 answer:no');
    await w.run('admin', 'rsvp 1');
    await w.run('admin', 'event cancel 2');
    const chart = (await rsvpsPerEvent.gather(w.services, scope, now))!;
    expect(chart.rows).toEqual([['#1 Debrief, 3 Dec 2026', 2, 1, 1]]);
    expect(chart.caption).toContain('2 yes in all');
    await w.close();
  });

  it('after me forget, a member is gone from every chart', async () => {
    const { w, now, scope } = await scene();
    await w.run('dan', 'me forget confirm:yes');
    const chart = (await membersByTier.gather(w.services, scope, now))!;
    expect(chart.rows.at(-1)!.slice(1)).toEqual([1, 1]);
    const joins = (await joinsAndLeaves.gather(w.services, scope, now))!;
    expect(joins.rows.at(-1)!.slice(1)).toEqual([0, 0]);
    await w.close();
  });
});

describe('chart rendering', () => {
  const chart = {
    id: 'x',
    title: 'T',
    caption: 'c',
    kind: 'bar' as const,
    columns: ['Week', 'Count'],
    rows: [
      ['<script>alert(1)</script>', 1],
      ['b', 2],
    ],
  };

  it('draws an SVG with no script, no inline style and its labels escaped', () => {
    const svg = renderChartSvg(chart);
    expect(svg).toMatch(/^<svg /);
    expect(svg).not.toMatch(/<script|style=|<style/);
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('font-family=');
  });

  it('writes CSV with quoting, and defuses cells a spreadsheet would run as formulas', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x, "y"', 1],
          ['=HYPERLINK("z")', null],
        ],
      ),
    ).toBe('a,b\r\n"x, ""y""",1\r\n"\'=HYPERLINK(""z"")",\r\n');
  });
});

function day() {
  return 24 * hour;
}
