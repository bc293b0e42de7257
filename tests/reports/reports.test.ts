import { inboundListeners } from '../../src/app/registry.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runConsole } from '../../adapters/console/console.js';
import { createConsoleMessageIds } from '../../adapters/console/message-ids.js';
import { commands } from '../../src/commands/index.js';
import { buildDigest, postWeeklyDigests } from '../../src/reports/digest.js';
import { escapeMarkdown } from '../../src/reports/export.js';
import { gatherStats } from '../../src/reports/stats.js';
import { createHarvestWorld, slackHome, slackMessage, slackReaction, slackUser, type HarvestWorld } from '../support/fixtures.js';

const day = 86_400_000;
const hour = 3_600_000;
const start = Date.parse('2026-11-23T10:00:00Z');
const ts = (at: number, n = 100) => `${at / 1000}.${String(n).padStart(6, '0')}`;

let w: HarvestWorld;
afterEach(() => w.close());

/** A question asked `askedDaysAgo`, replied to after `replyAfterMs`, and marked `markedDaysAgo` (or left open). */
async function question(text: string, askedDaysAgo: number, replyAfterMs?: number, markedDaysAgo?: number) {
  const asked = start - askedDaysAgo * day;
  await w.send(slackMessage(ts(asked), 'U0ASK0001', text, { at: asked }));
  if (replyAfterMs === undefined) return;
  const replyTs = ts(asked + replyAfterMs, 200);
  await w.send(slackMessage(replyTs, 'U0BOB0002', `Answer to: ${text.replace('?', '')}`, { threadTs: ts(asked), at: asked + replyAfterMs }));
  if (markedDaysAgo === undefined) return;
  w.clock.set(start - markedDaysAgo * day);
  await w.send(slackReaction(replyTs, 'U0ASK0001', w.clock.now()));
}

async function at(daysAgo: number, action: () => Promise<unknown>) {
  w.clock.set(start - daysAgo * day);
  await action();
}

beforeEach(async () => {
  w = await createHarvestWorld({ now: '2026-11-23T10:00:00Z' });
  await at(20, () => w.runAs(slackUser('U0ANN0003'), 'join outreach tier:core'));
  await at(20, () => w.runAs(slackUser('U0BOB0002'), 'join outreach'));
  await at(10, () => w.runAs(slackUser('U0CAT0004'), 'join outreach'));
  await at(3, () => w.runAs(slackUser('U0DAN0005'), 'join outreach'));
  await at(3, () => w.runAs(slackUser('U0BOB0002'), 'leave outreach'));
  await at(40, () => w.runAs(slackUser('U0ANN0003'), 'share outreach An old practice: *bold* claims, [links](http://x) and # headings.'));
  await at(10, () => w.runAs(slackUser('U0ANN0003'), 'share outreach Ten days ago we tried lunchtime clubs.'));
  await at(2, () => w.runAs(slackUser('U0CAT0004'), 'share outreach Pair every new volunteer with a buddy.'));
  await at(1, () => w.runAs(slackUser('U0DAN0005'), 'share outreach 1. Plan\n2. Do\n- review'));
  await question('Where do we get lab coats?', 9, 2 * hour, 8);
  await question('Who books the hall?', 2, 30 * 60_000, 1);
  await question('Can pupils bring phones?', 1, 4 * hour);
  await question('Is there a budget for snacks?', 40);
  w.clock.set(start);
});

describe('stats', () => {
  it('counts members by tier with their trend, practices, questions and the median time to first answer', async () => {
    const stats = await gatherStats(w.services, w.community);
    expect(stats).toMatchObject({
      core: 1,
      wider: 2,
      trend: [
        { joined: 1, left: 1 },
        { joined: 1, left: 0 },
        { joined: 2, left: 0 },
        { joined: 0, left: 0 },
      ],
      practices: { total: 4, recent: 3 },
      questions: { asked: 4, answered: 2 },
      medianFirstReplyMs: 2 * hour,
    });
    const reply = await w.runAs(slackUser('U0ZED0009'), 'stats outreach');
    expect(reply.text).toContain('Members: 1 core, 2 wider');
    expect(reply.text).toContain('Trend (last 4 weeks, +3): this week: +1 −1 · last week: +1 −0 · 2 weeks before: +2 −0');
    expect(reply.text).toContain('Questions: 4 asked, 2 answered');
    expect(reply.text).toContain('Median time to first answer: 2h');
  });
});

describe('digest', () => {
  it('lists the last 7 days: practices shared, questions answered, questions still open with links', async () => {
    const digest = await buildDigest(w.services, w.community);
    expect(digest.counts).toEqual({ practices: 2, answered: 1, open: 1 });
    const reply = await w.runAs(slackUser('U0ZED0009'), 'digest outreach');
    expect(reply.sections.map((s) => s.title)).toEqual(['Practices shared (2)', 'Questions answered (1)', 'Questions still open (1)']);
    expect(reply.text).toContain('Who books the hall?');
    expect(reply.text).toContain('Can pupils bring phones? (https://acme.slack.com/archives/');
    expect(reply.text).not.toContain('lab coats');
    expect(reply.text).not.toContain('snacks');
  });

  it('adds the sections that other features provide', async () => {
    const digest = await buildDigest(w.services, w.community, [async () => ({ title: 'Upcoming events', body: ['Taster day, Sat 28 Nov'] })]);
    expect(digest.reply.sections.at(-1)).toEqual({ title: 'Upcoming events', body: ['Taster day, Sat 28 Nov'] });
  });

  it('is posted weekly, on Monday morning, once, unless coordinators turn it off', async () => {
    const delivered: string[] = [];
    const deliver = async (channel: { channelId: string }) => void delivered.push(channel.channelId);
    expect(await postWeeklyDigests(w.services, { deliver })).toBe(2);
    expect(await postWeeklyDigests(w.services, { deliver })).toBe(0);
    w.clock.set('2026-11-30T08:59:00Z');
    expect(await postWeeklyDigests(w.services, { deliver })).toBe(0);
    w.clock.set('2026-11-30T10:00:00Z');
    expect((await w.runAs(slackUser('U0ZED0009'), 'digest outreach weekly:off')).refusal).toBe('NotAllowed');
    await w.makeCoordinator(w.community, slackUser('U0ANN0003'), 'ann');
    expect((await w.runAs(slackUser('U0ANN0003'), 'digest outreach weekly:off')).text).toContain('is off');
    expect(await postWeeklyDigests(w.services, { deliver })).toBe(0);
    await w.runAs(slackUser('U0ANN0003'), 'digest outreach weekly:on');
    // That week was passed over while it was off; the next Monday's comes.
    expect(await postWeeklyDigests(w.services, { deliver })).toBe(0);
    w.clock.set('2026-12-07T09:30:00Z');
    await w.runAs(slackUser('U0BOB0002'), 'share outreach A fresh practice for the new week.');
    expect(await postWeeklyDigests(w.services, { deliver })).toBe(2);
    expect(delivered.sort()).toEqual(['1123456789012345678', '1123456789012345678', slackHome.channelId, slackHome.channelId]);
  });
});

describe('export', () => {
  it('is for coordinators, and gives one Markdown document grouped by month, dated and escaped', async () => {
    expect((await w.runAs(slackUser('U0ZED0009'), 'export outreach')).refusal).toBe('NotAllowed');
    await w.makeCoordinator(w.community, slackUser('U0ANN0003'), 'ann');
    const reply = await w.runAs(slackUser('U0ANN0003'), 'export outreach');
    expect(reply.attachment).toMatchObject({ filename: 'outreach-2026-11-23.md', mimeType: 'text/markdown' });
    const md = reply.attachment!.content;
    expect(md).toContain('# STEM Outreach (outreach)');
    expect(md).toContain('## Practices (4)');
    expect(md).toContain('### October 2026');
    expect(md).toContain('### November 2026');
    expect(md).toContain('An old practice: \\*bold\\* claims, \\[links\\](http://x) and \\# headings.');
    expect(md).toContain('1\\. Plan\n  2\\. Do\n  \\- review');
    expect(md).toContain('## Questions and answers (2)');
    expect(md).toContain('#### Where do we get lab coats?');
    expect(md).toContain('**Answer** (u0bob0002, 14 Nov 2026)');
    expect(md).not.toContain('phones');
  });

  it('escapes everything Markdown would read as markup', () => {
    expect(escapeMarkdown('a_b `c` <script> ~x~ | & !')).toBe('a\\_b \\`c\\` \\<script\\> \\~x\\~ \\| \\& \\!');
    expect(escapeMarkdown('# h\n> q\n+ p\n===')).toBe('\\# h\n\\> q\n\\+ p\n\\===');
  });

  it('is saved to disk by the console, which says where', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'weaver-export-'));
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    input.end('export outreach\n');
    await runConsole({
      services: w.services,
      commands,
      listeners: inboundListeners,
      input,
      output,
      interactive: false,
      exportDirectory: directory,
      messageIds: createConsoleMessageIds(),
    });
    const path = join(directory, 'outreach-2026-11-23.md');
    expect(text).toContain(`Saved to ${path}`);
    expect(readFileSync(path, 'utf8')).toContain('# STEM Outreach (outreach)');
  });
});
