import { afterEach, describe, expect, it } from 'vitest';
import type { UserRef } from '../../src/kernel/identity.js';
import type { PlatformPort } from '../../src/kernel/ports.js';
import { deliverDue, enqueue } from '../../src/delivery/outbox.js';
import { createPacer } from '../../src/delivery/pacing.js';
import { answer } from '../../src/kernel/reply.js';
import { rememberDirectMessageChannel } from '../../src/storage/direct-message-channels.js';
import { createTestWorld, type TestWorld } from '../support/harness.js';
import { createRecordingPort, rateLimited } from '../support/recording-port.js';

const worlds: TestWorld[] = [];
afterEach(async () => {
  await Promise.all(worlds.splice(0).map((w) => w.close()));
});

/**
 * A Discord-like platform where a DM to someone new is two requests, each stamped with the instant it went out: the
 * DM channel's open (remembered, as the Discord adapter remembers it) and the post.
 */
async function discordWorld(options: { refuseFirstOpen?: boolean } = {}) {
  const fake = createRecordingPort('discord');
  const requests: { kind: 'open' | 'post'; userId: string; at: number }[] = [];
  let refusals = options.refuseFirstOpen ? 1 : 0;
  const port: PlatformPort = {
    ...fake.port,
    async openDirectMessage(user) {
      if (refusals-- > 0) throw rateLimited(2000);
      requests.push({ kind: 'open', userId: user.userId, at: world.clock.now() });
      await rememberDirectMessageChannel(world.db, user, `dm-${user.userId}`, world.clock.now());
    },
    async sendDirectMessage(user, reply, options) {
      requests.push({ kind: 'post', userId: user.userId, at: world.clock.now() });
      return fake.port.sendDirectMessage(user, reply, options);
    },
  };
  const world = await createTestWorld({ now: '2026-11-23T10:00:00Z', ports: [port] });
  worlds.push(world);
  return { ...world, fake, requests };
}

const person = (i: number): UserRef => ({ platform: 'discord', workspaceId: 'G1', userId: `U${i}` });

async function enqueueReminders(w: TestWorld, people: number, round: string) {
  for (let i = 0; i < people; i++) {
    await enqueue(
      w.db,
      { key: `reminder:${round}:${i}`, target: { user: person(i) }, reply: answer(`Starts soon (${round})`), notBefore: w.clock.now() },
      w.clock.now(),
    );
  }
}

/** Delivers in steps of 25 ms until nothing is pending; returns how long it took. */
async function deliverAll(w: Awaited<ReturnType<typeof discordWorld>>, pacer = createPacer()) {
  const start = w.clock.now();
  for (let step = 0; step < 1000; step++) {
    await deliverDue(w.services, { owner: 'only', pacer });
    const pending = await w.db.selectFrom('outbox').select('id').where('status', '=', 'pending').execute();
    if (pending.length === 0) return w.clock.now() - start;
    w.clock.advance(25);
  }
  throw new Error('the outbox never emptied');
}

/** The most requests that went out in any one second, sliding. */
function busiestSecond(instants: readonly number[]): number {
  const sorted = [...instants].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= 1000) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe('direct messages on a platform where opening the DM channel is a request of its own', () => {
  it('opens each new person’s DM channel once, paces the open and the post apart, and stays within the budget', async () => {
    const w = await discordWorld();
    await enqueueReminders(w, 60, 'first');
    const took = await deliverAll(w);

    expect(w.fake.dms.map((dm) => dm.userId).sort()).toEqual(Array.from({ length: 60 }, (_, i) => `U${i}`).sort());
    const opens = w.requests.filter((request) => request.kind === 'open');
    expect(opens).toHaveLength(60);
    for (const { userId, at } of opens) {
      // Each post went out after its own open, never in the same request slot.
      const post = w.requests.find((request) => request.kind === 'post' && request.userId === userId)!;
      expect(post.at).toBeGreaterThanOrEqual(at);
    }
    // Discord's global 50 a second, of which Weaver keeps 40 for sends: 120 requests at 40 a second, after a burst.
    expect(busiestSecond(w.requests.map((request) => request.at))).toBeLessThanOrEqual(40);
    expect(took).toBeGreaterThanOrEqual(2000);
    expect(took).toBeLessThan(3500);
  });

  it('sends to a remembered DM channel in one request: the second round opens nothing and takes half as long', async () => {
    const w = await discordWorld();
    await enqueueReminders(w, 60, 'first');
    const first = await deliverAll(w);
    w.requests.length = 0;
    w.clock.advance(10_000);

    await enqueueReminders(w, 60, 'second');
    const second = await deliverAll(w);
    expect(w.requests.filter((request) => request.kind === 'open')).toEqual([]);
    expect(w.requests.filter((request) => request.kind === 'post')).toHaveLength(60);
    expect(second).toBeLessThan(first / 1.5);
  });

  it('retries a DM whose open was refused by a rate limit, and posts it once', async () => {
    const w = await discordWorld({ refuseFirstOpen: true });
    await enqueueReminders(w, 1, 'first');
    await deliverDue(w.services, { owner: 'only' });
    expect(w.fake.dms).toEqual([]);
    const row = await w.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', send_started_at: null, attempts: 1 });

    w.clock.advance(2000);
    await deliverDue(w.services, { owner: 'only' });
    expect(w.fake.dms.map((dm) => dm.userId)).toEqual(['U0']);
  });
});
