import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { manualClock } from '../../src/kernel/clock.js';
import { answer } from '../../src/kernel/reply.js';
import { deliverDue, enqueue, findOutboxRow } from '../../src/delivery/outbox.js';
import { people, rooms, startWorkspacesWorld, teams, type WorkspacesWorld } from './workspaces-world.js';

// With token rotation on, a workspace's bot token lives 12 hours. Scheduled posts go out with no request to refresh
// the token for them, so the port refreshes it itself, by Weaver's clock, shortly before it expires.

const twelveHours = 12 * 60 * 60;
// Bolt stamps the expiry of a new install by the wall clock, so Weaver's clock starts there too.
const clock = manualClock(Date.now());
let world: WorkspacesWorld;
let firstToken: string;
beforeAll(async () => {
  world = await startWorkspacesWorld({ clock, rotation: { expiresIn: twelveHours } });
  await world.install(teams.north.id);
  firstToken = String(world.fake.callsTo('oauth.v2.access')[0]!.answer!.access_token);
  await world.ask(people.nadia, 'create swcop "South West CoP"', rooms.northCop);
  await world.run(people.nadia, 'link swcop', rooms.northCop);
});
afterAll(async () => world?.close());

const services = () => world.weaver.services;
const home = { platform: 'slack' as const, workspaceId: teams.north.id, channelId: rooms.northCop.id };
const refreshes = () => world.fake.callsTo('oauth.v2.access').filter((call) => call.params.grant_type === 'refresh_token');

/** A post as the scheduler makes one (a digest, a reminder): into the outbox, then sent by the delivery loop. */
async function schedulePost(key: string): Promise<void> {
  await enqueue(
    services().db,
    { key, target: { channel: home }, reply: answer(`Scheduled post ${key}`, { visibility: 'channel' }), notBefore: clock.now() },
    clock.now(),
  );
  await deliverDue(services(), { owner: 'test-scheduler' });
}

const postOf = (key: string) => world.fake.callsTo('chat.postMessage').find((call) => String(call.params.text).includes(`Scheduled post ${key}`));

describe('token rotation', () => {
  test('the install keeps the refresh token and expiry, sealed', async () => {
    const row = await services().db.selectFrom('slack_installation').selectAll().executeTakeFirstOrThrow();
    expect(row.bot_expires_at).toBeGreaterThan(clock.now() + twelveHours * 1000 - 60_000);
    expect(row.installation).not.toContain('xoxe-');
  });

  test('well before expiry, a scheduled post uses the token it has', async () => {
    const before = refreshes().length;
    clock.set(Date.now() + 6 * 60 * 60_000);
    await schedulePost('early');
    expect(refreshes()).toHaveLength(before);
    expect(world.fake.teamOfToken(postOf('early')?.token)).toBe(teams.north.id);
  });

  test('minutes before expiry, with no request in between, the port refreshes first and posts with the new token', async () => {
    const row = await services().db.selectFrom('slack_installation').select('bot_expires_at').executeTakeFirstOrThrow();
    clock.set(row.bot_expires_at! - 4 * 60_000);
    const before = refreshes().length;
    await schedulePost('late');
    const refresh = refreshes()[before]!;
    expect(refresh.params).toMatchObject({ client_id: '1111.2222', grant_type: 'refresh_token' });
    const post = postOf('late')!;
    expect(post.token).toBe(refresh.answer!.access_token);
    expect(post.token).not.toBe(firstToken);
    const after = await services().db.selectFrom('slack_installation').select('bot_expires_at').executeTakeFirstOrThrow();
    expect(after.bot_expires_at).toBe((Math.floor(clock.now() / 1000) + twelveHours) * 1000);
  });

  test('a failed refresh is logged and the post waits and retries, then goes out once Slack answers', async () => {
    const row = await services().db.selectFrom('slack_installation').select('bot_expires_at').executeTakeFirstOrThrow();
    clock.set(row.bot_expires_at! - 2 * 60_000);
    world.fake.fail('oauth.v2.access', { status: 503 });
    await schedulePost('retried');
    const waiting = await findOutboxRow(services().db, 'retried');
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1 });
    expect(waiting?.last_error).toMatch(/refreshing the Slack token/);
    expect(postOf('retried')).toBeUndefined();

    clock.advance(2 * 60_000);
    await deliverDue(services(), { owner: 'test-scheduler' });
    expect(await findOutboxRow(services().db, 'retried')).toMatchObject({ status: 'sent' });
    expect(world.fake.teamOfToken(postOf('retried')?.token)).toBe(teams.north.id);
  });
});
