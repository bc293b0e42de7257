import { afterEach, describe, expect, it } from 'vitest';
import { inboundListeners } from '../../src/app/registry.js';
import { loadConfig } from '../../src/app/config.js';
import { commands } from '../../src/commands/index.js';
import { executeText } from '../../src/commands/run.js';
import { createCommunity, linkHomeChannel } from '../../src/communities/communities.js';
import { ensureMember } from '../../src/communities/members.js';
import { joinCommunity } from '../../src/communities/membership.js';
import { recordPractice } from '../../src/communities/practices.js';
import type { ChannelRef, UserRef } from '../../src/kernel/identity.js';
import { handleInbound, type InboundEvent } from '../../src/kernel/inbound.js';
import { renderPlainText } from '../../src/kernel/render-text.js';
import { bridgeUnansweredQuestions } from '../../src/networks/bridges.js';
import { setNetwork } from '../../src/networks/networks.js';
import { setPrivacy } from '../../src/privacy/forget.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import type { Community } from '../../src/storage/schema.js';
import { createTestWorld, newTestDatabase, type TestWorld } from '../support/harness.js';
import { createRecordingPort } from '../support/recording-port.js';

// Bridges with an injected clock: a question in one community's home channel, with no reply after BRIDGE_DELAY,
// gets one note naming up to three people from other communities (same network first) and a message to each.

const team = 'T0UNI';
const channel = (id: string): ChannelRef => ({ platform: 'slack', workspaceId: team, channelId: id });
const user = (id: string): UserRef => ({ platform: 'slack', workspaceId: team, userId: id });
const homes = { schools: channel('C0SCHOOLS'), museums: channel('C0MUSEUMS'), equity: channel('C0EQUITY') };
const hour = 3_600_000;

const opened: TestWorld[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((w) => w.close()));
});

async function openWorld(options: { databasePath?: string; bridgeDelayMs?: number | null } = {}) {
  const port = createRecordingPort('slack');
  const world = await createTestWorld({
    databasePath: options.databasePath,
    ports: [port.port],
    admins: [{ platform: 'slack', userId: 'U0ADMIN' }],
    settings: options.bridgeDelayMs === undefined ? {} : { bridgeDelayMs: options.bridgeDelayMs },
  });
  opened.push(world);
  const send = (event: InboundEvent) => handleInbound(world.services, inboundListeners, event);
  async function runAs(id: string, line: string) {
    const reply = await executeText(
      world.services,
      commands,
      { caller: { user: user(id), name: id.slice(2).toLowerCase(), isPlatformAdmin: false }, channel: homes.schools },
      line,
    );
    return renderPlainText(reply);
  }
  return { world, port, send, runAs };
}

type Opened = Awaited<ReturnType<typeof openWorld>>;

function said(home: ChannelRef, ts: string, by: string, text: string, at: number, threadTs?: string): InboundEvent {
  return {
    kind: 'message',
    message: {
      channel: home,
      messageId: ts,
      threadId: threadTs,
      author: user(by),
      authorName: by.slice(2).toLowerCase(),
      text,
      at,
      permalink: `https://uni.slack.com/archives/${home.channelId}/p${ts.replace('.', '')}`,
    },
  };
}

/**
 * An outreach network (schools, museums) and equity, in no network. Who knows about volunteers: bob (a marked answer
 * in museums), gina (a practice in museums), carol (two practices in equity), henry (one in equity), and three who must
 * never be named: ann (the asker), erin (a member of schools), dave (privacy off).
 */
async function constellation({ world, send }: Opened): Promise<Record<string, Community>> {
  const { db } = world;
  const now = world.clock.now();
  const c = async (slug: string, name: string, kind: 'community' | 'network' = 'community') => (await createCommunity(db, { slug, name, kind }, now))!;
  const net = await c('outreach-net', 'Outreach Network', 'network');
  const schools = await c('schools', 'School Partnerships');
  const museums = await c('museums', 'Museum Nights');
  const equity = await c('equity', 'Equity Research');
  await setNetwork(db, schools, net, now);
  await setNetwork(db, museums, net, now);
  for (const [community, home] of [
    [schools, homes.schools],
    [museums, homes.museums],
    [equity, homes.equity],
  ] as const)
    await linkHomeChannel(db, community, home, now);
  const member = (id: string) => ensureMember(db, user(id), id.slice(2).toLowerCase(), now);
  const join = async (id: string, community: Community) => joinCommunity(db, community, await member(id), 'wider', 5, now);
  const practice = async (id: string, community: Community, text: string) =>
    recordPractice(db, { communityId: community.id, memberId: (await member(id)).id, text, source: 'command' }, now);

  for (const id of ['U0ANN', 'U0ERIN']) await join(id, schools);
  for (const id of ['U0BOB', 'U0GINA']) await join(id, museums);
  for (const id of ['U0CAROL', 'U0HENRY', 'U0DAVE']) await join(id, equity);

  // Bob's marked answer in museums, to gina's question there.
  const asked = now - 48 * hour;
  await send(said(homes.museums, '1763700000.000100', 'U0GINA', 'Any tips for rotas?', asked));
  await send(said(homes.museums, '1763700060.000200', 'U0BOB', 'Volunteers stay when the rota is shared a month ahead.', asked + 60_000, '1763700000.000100'));
  await send({
    kind: 'reaction',
    channel: homes.museums,
    messageId: '1763700060.000200',
    user: user('U0GINA'),
    emoji: 'white_check_mark',
    at: asked + 120_000,
  });
  await practice('U0GINA', museums, 'Our volunteers get a free drink token at late openings.');
  await practice('U0CAROL', equity, 'Volunteers from underrepresented groups need paid time.');
  await practice('U0CAROL', equity, 'We pay volunteers travel costs up front.');
  await practice('U0HENRY', equity, 'Volunteers like a certificate.');
  for (let i = 0; i < 3; i++) {
    await practice('U0ANN', museums, `Volunteers enjoy the school run number ${i}.`);
    await practice('U0ERIN', museums, `Volunteers love the museum tours number ${i}.`);
    await practice('U0DAVE', equity, `Volunteers need feedback number ${i}.`);
  }
  await setPrivacy(db, (await member('U0DAVE')).id, false);
  // Slack answers and hints from setting up are not what these tests look at.
  await createScheduler(world.services, { owner: 'setup' }).tick();
  return { net, schools, museums, equity };
}

const questionTs = '1763900000.000100';
const question = 'How do we keep volunteers coming back after their first visit?';

/** Ann asks in the schools home channel, now. */
async function annAsks(o: Opened, text = question, ts = questionTs): Promise<void> {
  await o.send(said(homes.schools, ts, 'U0ANN', text, o.world.clock.now()));
}

const notesIn = (o: Opened, ts = questionTs) => o.port.posts.filter((p) => p.threadId === ts && p.text.includes('bridged'));
const bridgeDms = (o: Opened) => o.port.dms.filter((d) => d.text.includes('has had no reply yet'));

describe('bridges', () => {
  it('fire once after the delay, naming the same network first, never the asker, a member, or privacy off', async () => {
    const o = await openWorld();
    await constellation(o);
    await annAsks(o);
    const scheduler = createScheduler(o.world.services, { owner: 'only' });
    o.world.clock.advance(24 * hour - 60_000);
    await scheduler.tick();
    expect(notesIn(o)).toEqual([]);
    expect(bridgeDms(o)).toEqual([]);

    o.world.clock.advance(2 * 60_000);
    await scheduler.tick();
    const notes = notesIn(o);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.channelId).toBe('C0SCHOOLS');
    expect(notes[0]!.text).toBe(
      'No reply yet, so this question is bridged to people from other communities who have answered or shared practice about it: @bob (Museum Nights), @gina (Museum Nights), @carol (Equity Research). Each has been sent a message with a link here.',
    );
    // Sent concurrently: one each, in whatever order the platform answers.
    expect(
      bridgeDms(o)
        .map((d) => d.userId)
        .sort(),
    ).toEqual(['U0BOB', 'U0CAROL', 'U0GINA']);
    const toBob = bridgeDms(o).find((d) => d.userId === 'U0BOB')!.text;
    expect(toBob).toContain('A question in School Partnerships has had no reply yet');
    expect(toBob).toContain('in Museum Nights');
    expect(toBob).toContain(question);
    expect(toBob).toContain('https://uni.slack.com/archives/C0SCHOOLS/p1763900000000100');
    for (const never of ['U0ANN', 'U0ERIN', 'U0DAVE', 'U0HENRY']) expect(o.port.dms.some((d) => d.userId === never)).toBe(false);

    o.world.clock.advance(2 * hour);
    await scheduler.tick();
    expect(notesIn(o)).toHaveLength(1);
    expect(bridgeDms(o)).toHaveLength(3);
  });

  it('survive a restart: queued before a crash, sent once after it, never queued again', async () => {
    const databasePath = await newTestDatabase();
    const first = await openWorld({ databasePath });
    await constellation(first);
    await annAsks(first);
    first.world.clock.advance(25 * hour);
    expect(await bridgeUnansweredQuestions(first.world.services, first.world.clock.now())).toHaveLength(4);
    // The process dies before the outbox is sent.
    await first.world.close();
    opened.splice(opened.indexOf(first.world), 1);

    const second = await openWorld({ databasePath });
    second.world.clock.set(first.world.clock.now() + 60_000);
    const scheduler = createScheduler(second.world.services, { owner: 'second' });
    await scheduler.tick();
    await scheduler.tick();
    expect(notesIn(second)).toHaveLength(1);
    expect(bridgeDms(second)).toHaveLength(3);
    expect(first.port.posts.filter((p) => p.text.includes('bridged'))).toEqual([]);
  });

  it('two processes on one database bridge a question once', async () => {
    const databasePath = await newTestDatabase();
    const a = await openWorld({ databasePath });
    await constellation(a);
    await annAsks(a);
    const b = await openWorld({ databasePath });
    const at = a.world.clock.now() + 25 * hour;
    a.world.clock.set(at);
    b.world.clock.set(at);
    // Both run their schedulers: only the lease holder runs the job and sends.
    const [tickA, tickB] = [await createScheduler(a.world.services, { owner: 'A' }).tick(), await createScheduler(b.world.services, { owner: 'B' }).tick()];
    expect([tickA.leader, tickB.leader]).toEqual([true, false]);
    // Should the lease ever be lost mid-way, the job itself finds the bridge row the other process wrote and queues nothing.
    expect(await bridgeUnansweredQuestions(b.world.services, at)).toEqual([]);
    const rows = await a.world.db.selectFrom('outbox').select(['key', 'status']).where('key', 'like', 'bridge:%').execute();
    expect(rows).toHaveLength(4);
    expect(rows.every((row) => row.status === 'sent')).toBe(true);
    expect(await a.world.db.selectFrom('bridge_person').selectAll().execute()).toHaveLength(3);
    expect(notesIn(a)).toHaveLength(1);
    expect(notesIn(b)).toEqual([]);
  });

  it('leave alone a question that had a reply, and post nothing when nobody fits', async () => {
    const o = await openWorld();
    await constellation(o);
    await annAsks(o);
    await o.send(said(homes.schools, '1763900100.000200', 'U0ERIN', 'Good question, I will ask around.', o.world.clock.now() + 60_000, questionTs));
    await annAsks(o, 'Defibrillator key code?', '1763900200.000300');
    o.world.clock.advance(25 * hour);
    const scheduler = createScheduler(o.world.services, { owner: 'only' });
    await scheduler.tick();
    expect(o.port.posts.filter((p) => p.text.includes('bridged'))).toEqual([]);
    expect(bridgeDms(o)).toEqual([]);
    // The unanswerable question was looked at once and is not looked at again.
    const looked = await o.world.db
      .selectFrom('bridge')
      .innerJoin('harvest_thread', 'harvest_thread.id', 'bridge.thread_id')
      .select('root_message_id')
      .execute();
    expect(looked).toEqual([{ root_message_id: '1763900200.000300' }]);
  });

  it('are off with BRIDGE_DELAY=off, and wait as long as BRIDGE_DELAY says', async () => {
    const off = await openWorld({ bridgeDelayMs: null });
    await constellation(off);
    await annAsks(off);
    off.world.clock.advance(3 * 24 * hour);
    await createScheduler(off.world.services, { owner: 'only' }).tick();
    expect(notesIn(off)).toEqual([]);

    const quick = await openWorld({ bridgeDelayMs: 90 * 60_000 });
    await constellation(quick);
    await annAsks(quick);
    quick.world.clock.advance(91 * 60_000);
    await createScheduler(quick.world.services, { owner: 'only' }).tick();
    expect(notesIn(quick)).toHaveLength(1);
  });

  it('count in stats when a bridged person gives the marked answer', async () => {
    const o = await openWorld();
    await constellation(o);
    await annAsks(o);
    o.world.clock.advance(25 * hour);
    await createScheduler(o.world.services, { owner: 'only' }).tick();
    expect(await o.runAs('U0ANN', 'stats schools')).toContain(
      'Bridged answers: 0 of 1 question bridged to other communities answered by someone the bridge named',
    );
    const at = o.world.clock.now();
    await o.send(said(homes.schools, '1763990000.000500', 'U0BOB', 'Share the rota a month ahead, and thank them by name.', at, questionTs));
    await o.send({ kind: 'reaction', channel: homes.schools, messageId: '1763990000.000500', user: user('U0ANN'), emoji: 'white_check_mark', at: at + 1000 });
    expect(await o.runAs('U0ANN', 'stats schools')).toContain(
      'Bridged answers: 1 of 1 question bridged to other communities answered by someone the bridge named',
    );
    expect(await o.runAs('U0ANN', 'stats outreach-net')).toContain('Bridged answers: 1 of 1 question');
    expect(await o.runAs('U0ANN', 'stats equity')).toContain('Bridged answers: no questions bridged yet');
  });
});

describe('BRIDGE_DELAY', () => {
  it.each([
    ['90m', 90 * 60_000],
    ['24h', 24 * hour],
    ['2d', 48 * hour],
    ['off', null],
    [undefined, 24 * hour],
  ])('reads %j', (value, expected) => {
    const loaded = loadConfig({ BRIDGE_DELAY: value });
    expect(loaded.ok && loaded.config.bridgeDelayMs).toBe(expected);
  });

  it('refuses a value that is not a duration, naming the setting', () => {
    expect(loadConfig({ BRIDGE_DELAY: 'soon' })).toEqual({
      ok: false,
      errors: ['BRIDGE_DELAY must be a duration from 1m to 30d, e.g. 90m, 24h or 2d, or off'],
    });
  });
});
