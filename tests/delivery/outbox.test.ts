import { afterEach, describe, expect, it } from 'vitest';
import { enqueue, deliverDue } from '../../src/delivery/outbox.js';
import { materializeDueRhythms } from '../../src/rhythms/rhythms.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { createTestWorld, newTestDatabase, type TestWorld } from '../support/harness.js';
import { channelGone, createRecordingPort, rateLimited, serverError } from '../support/recording-port.js';

const opened: TestWorld[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((w) => w.close()));
});

/** A "process" on the database file: its own connection, clock and Slack-like platform. */
async function openProcess(databasePath: string, now: string) {
  const fake = createRecordingPort('slack');
  const world = await createTestWorld({ databasePath, now, ports: [fake.port] });
  opened.push(world);
  return { ...world, fake };
}

/** A community whose weekly Monday 09:00 prompt fans out to `count` Slack workspaces' home channels. */
async function setUpFanOut(w: TestWorld, count: number) {
  await w.run('admin', 'create outreach Outreach');
  await w.run('admin', 'rhythm outreach weekly mon 09:00');
  await w.db
    .insertInto('home_channel')
    .values(
      Array.from({ length: count }, (_, i) => ({
        community_id: 1,
        platform: 'slack',
        workspace_id: `T${i}`,
        channel_id: `C${i}`,
        channel_name: null,
        linked_at: 0,
      })),
    )
    .execute();
}

const monday = Date.parse('2026-11-30T09:00:00Z');

describe('the outbox', () => {
  it('serves every channel exactly once when the process dies in the middle of a fan-out', async () => {
    const path = await newTestDatabase();
    const first = await openProcess(path, '2026-11-23T10:00:00Z');
    await setUpFanOut(first, 30);
    first.fake.script('#C12', 'hang');
    first.clock.set(monday);
    void createScheduler(first.services, { owner: 'first' }).tick();
    await first.fake.hung;
    expect(first.fake.posts.length).toBeGreaterThan(0);
    expect(first.fake.posts.length).toBeLessThan(30);

    const second = await openProcess(path, '2026-11-30T09:00:30Z');
    const restarted = createScheduler(second.services, { owner: 'second' });
    expect((await restarted.tick()).leader).toBe(false);
    // Once the dead process's lease and its claim on #C12 have lapsed, the new one finishes the fan-out.
    for (let at = monday + 3 * 60_000; second.fake.posts.length + first.fake.posts.length < 30 && at < monday + 10 * 60_000; at += 1000) {
      second.clock.set(at);
      await restarted.tick();
    }
    const served = [...first.fake.posts, ...second.fake.posts].map((post) => post.channelId).sort();
    expect(served).toEqual(Array.from({ length: 30 }, (_, i) => `C${i}`).sort());
    expect(second.fake.posts.map((post) => post.channelId)).toContain('C12');
    const statuses = await second.db
      .selectFrom('outbox')
      .select(({ fn }) => ['status', fn.countAll<number>().as('n')])
      .groupBy('status')
      .execute();
    expect(statuses).toEqual([{ status: 'sent', n: 30 }]);
  });

  it('paces a fan-out under the platform budget per second', async () => {
    const w = await openProcess(await newTestDatabase(), '2026-11-23T10:00:00Z');
    await setUpFanOut(w, 30);
    const scheduler = createScheduler(w.services, { owner: 'only' });
    w.clock.set(monday);
    const report = await scheduler.tick();
    expect(report.delivery?.sent).toBe(20);
    expect(report.nextDueAt).toBe(monday + 1000);
    w.clock.set(monday + 1000);
    expect((await scheduler.tick()).delivery?.sent).toBe(10);
  });

  it('retries a 429 after its Retry-After and a 5xx with backoff, losing nothing', async () => {
    const w = await openProcess(await newTestDatabase(), '2026-11-23T10:00:00Z');
    await setUpFanOut(w, 2);
    w.fake.script('#C0', rateLimited(30_000));
    w.fake.script('#C1', serverError(), serverError());
    const scheduler = createScheduler(w.services, { owner: 'only' });
    w.clock.set(monday);
    await scheduler.tick();
    expect(w.fake.posts).toHaveLength(0);
    const waiting = await w.db.selectFrom('outbox').select(['channel_id', 'next_attempt_at', 'attempts', 'last_error']).orderBy('channel_id').execute();
    expect(waiting).toEqual([
      { channel_id: 'C0', next_attempt_at: monday + 30_000, attempts: 1, last_error: 'ratelimited' },
      { channel_id: 'C1', next_attempt_at: monday + 5_000, attempts: 1, last_error: 'HTTP 503' },
    ]);
    w.clock.set(monday + 5_000);
    await scheduler.tick();
    expect(w.fake.posts).toHaveLength(0);
    w.clock.set(monday + 15_000);
    await scheduler.tick();
    expect(w.fake.posts.map((p) => p.channelId)).toEqual(['C1']);
    w.clock.set(monday + 29_999);
    await scheduler.tick();
    expect(w.fake.posts).toHaveLength(1);
    w.clock.set(monday + 30_000);
    await scheduler.tick();
    expect(w.fake.posts.map((p) => p.channelId)).toEqual(['C1', 'C0']);
    expect(await w.db.selectFrom('outbox').select(['status', 'attempts']).orderBy('channel_id').execute()).toEqual([
      { status: 'sent', attempts: 2 },
      { status: 'sent', attempts: 3 },
    ]);
  });

  it('records a permanent failure and does not retry it', async () => {
    const w = await openProcess(await newTestDatabase(), '2026-11-23T10:00:00Z');
    await setUpFanOut(w, 2);
    w.fake.script('#C0', channelGone());
    const scheduler = createScheduler(w.services, { owner: 'only' });
    w.clock.set(monday);
    await scheduler.tick();
    const calls = w.fake.calls();
    for (let i = 1; i <= 5; i++) {
      w.clock.set(monday + i * 60 * 60_000);
      await scheduler.tick();
    }
    expect(w.fake.calls()).toBe(calls);
    expect(await w.db.selectFrom('outbox').select(['channel_id', 'status', 'last_error']).orderBy('channel_id').execute()).toEqual([
      { channel_id: 'C0', status: 'failed', last_error: 'channel_not_found' },
      { channel_id: 'C1', status: 'sent', last_error: null },
    ]);
  });

  it('gives up on a post still failing after a day, and on a platform this process does not run', async () => {
    const w = await openProcess(await newTestDatabase(), '2026-11-23T10:00:00Z');
    const reply = { visibility: 'channel', body: ['Hello'], sections: [], buttons: [] } as const;
    await enqueue(w.db, { key: 'a', target: { channel: { platform: 'slack', workspaceId: 'T1', channelId: 'C1' } }, reply, notBefore: 0 }, 0);
    await enqueue(w.db, { key: 'b', target: { user: { platform: 'discord', workspaceId: 'G1', userId: 'U1' } }, reply, notBefore: 0 }, 0);
    w.fake.script('#C1', ...Array.from({ length: 200 }, () => serverError()));
    for (let at = 0; at <= 25 * 60 * 60_000; at += 10 * 60_000) {
      w.clock.set(at);
      await deliverDue(w.services, { owner: 'only' });
    }
    const rows = await w.db.selectFrom('outbox').select(['key', 'status', 'last_error']).orderBy('key').execute();
    expect(rows[0]).toMatchObject({ key: 'a', status: 'failed' });
    expect(rows[0]!.last_error).toMatch(/^gave up after \d+ attempts over a day: HTTP 503$/);
    expect(rows[1]).toEqual({ key: 'b', status: 'failed', last_error: 'no discord connection in this process' });
  });

  it('makes a second enqueue of the same key a no-op', async () => {
    const w = await openProcess(await newTestDatabase(), '2026-11-23T10:00:00Z');
    const item = {
      key: 'digest:1:2026-W48:slack:T1:C1',
      target: { channel: { platform: 'slack', workspaceId: 'T1', channelId: 'C1' } },
      reply: { visibility: 'channel', body: ['Digest'], sections: [], buttons: [] },
      notBefore: 0,
    } as const;
    const first = await enqueue(w.db, item, 0);
    const second = await enqueue(w.db, item, 1);
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    await deliverDue(w.services, { owner: 'a' });
    await deliverDue(w.services, { owner: 'b' });
    expect(w.fake.posts.map((p) => p.text)).toEqual(['Digest']);
  });
});

describe('two bot processes on one database', () => {
  it('posts each occurrence once, and the second takes over when the first stops', async () => {
    const path = await newTestDatabase();
    const a = await openProcess(path, '2026-11-23T10:00:00Z');
    await setUpFanOut(a, 3);
    const b = await openProcess(path, '2026-11-23T10:00:00Z');
    const schedulerA = createScheduler(a.services, { owner: 'A' });
    const schedulerB = createScheduler(b.services, { owner: 'B' });
    for (const at of [monday - 60_000, monday, monday + 1000]) {
      a.clock.set(at);
      b.clock.set(at);
      await schedulerA.tick();
      await schedulerB.tick();
    }
    expect(a.fake.posts).toHaveLength(3);
    expect(b.fake.posts).toHaveLength(0);

    // A stops without a word; B takes the lease once it lapses and posts the next week's prompt once.
    const nextMonday = monday + 7 * 24 * 60 * 60_000;
    b.clock.set(nextMonday);
    expect((await schedulerB.tick()).leader).toBe(true);
    expect(b.fake.posts).toHaveLength(3);
    a.clock.set(nextMonday + 1000);
    expect((await schedulerA.tick()).leader).toBe(false);
    expect(a.fake.posts).toHaveLength(3);
  });

  it('cannot post an occurrence twice even when both materialize and deliver', async () => {
    const path = await newTestDatabase();
    const a = await openProcess(path, '2026-11-23T10:00:00Z');
    await setUpFanOut(a, 3);
    const b = await openProcess(path, '2026-11-23T10:00:00Z');
    a.clock.set(monday);
    b.clock.set(monday);
    const rhythmA = await a.db.selectFrom('rhythm').selectAll().executeTakeFirstOrThrow();
    expect(await materializeDueRhythms(a.services, monday)).toHaveLength(3);
    expect(await materializeDueRhythms(b.services, monday)).toHaveLength(0);
    // Even a second materialization of the same occurrence (its next run put back) adds no row: the keys are unique.
    await b.db.updateTable('rhythm').set({ next_run_at: rhythmA.next_run_at }).execute();
    await materializeDueRhythms(b.services, monday);
    await deliverDue(a.services, { owner: 'A' });
    await deliverDue(b.services, { owner: 'B' });
    expect(a.fake.posts.length + b.fake.posts.length).toBe(3);
    expect(await a.db.selectFrom('outbox').select('key').execute()).toHaveLength(3);
  });
});
