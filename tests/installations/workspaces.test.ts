import { afterEach, describe, expect, test } from 'vitest';
import { createCommunity, linkHomeChannel } from '../../src/communities/communities.js';
import { enqueue } from '../../src/delivery/outbox.js';
import { restoreWorkspace, retireWorkspace } from '../../src/installations/workspaces.js';
import { answer } from '../../src/kernel/reply.js';
import { createTestWorld, type TestWorld } from '../support/harness.js';

// A Slack workspace that removes Weaver: its pending posts are given up with the reason, its home channels are marked
// gone (and `info` says so), the other workspaces are untouched, and a second notice changes nothing.

let world: TestWorld;
afterEach(async () => world?.close());

const north = { platform: 'slack' as const, workspaceId: 'T0NORTH', channelId: 'C0NORTH', name: 'sw-cop' };
const south = { platform: 'slack' as const, workspaceId: 'T0SOUTH', channelId: 'C0SOUTH', name: 'practice' };

async function twoWorkspaces() {
  world = await createTestWorld({ now: '2026-12-02T09:00:00Z' });
  const { db, clock } = world;
  const community = (await createCommunity(db, { slug: 'swcop', name: 'South West CoP' }, clock.now()))!;
  await linkHomeChannel(db, community, north, clock.now());
  await linkHomeChannel(db, community, south, clock.now());
  for (const [key, channel] of [
    ['prompt:north', north],
    ['prompt:south', south],
  ] as const) {
    await enqueue(db, { key, target: { channel }, reply: answer('What did you try this week?'), notBefore: clock.now() + 3_600_000 }, clock.now());
  }
  await enqueue(
    db,
    { key: 'dm:south', target: { user: { platform: 'slack', workspaceId: 'T0SOUTH', userId: 'U0SAM' } }, reply: answer('Reminder'), notBefore: clock.now() },
    clock.now(),
  );
}

const outbox = () => world.db.selectFrom('outbox').select(['key', 'status', 'last_error']).orderBy('key').execute();

describe('retiring a workspace', () => {
  test('gives up only its pending posts, with the reason, and info names its home channel gone', async () => {
    await twoWorkspaces();
    const retired = await retireWorkspace(
      world.db,
      { platform: 'slack', workspaceId: 'T0SOUTH' },
      'Weaver was uninstalled from this Slack workspace',
      world.clock.now(),
    );
    expect(retired).toEqual({ postsGivenUp: 2, homeChannelsGone: 1 });
    expect(await outbox()).toEqual([
      { key: 'dm:south', status: 'failed', last_error: 'Weaver was uninstalled from this Slack workspace' },
      { key: 'prompt:north', status: 'pending', last_error: null },
      { key: 'prompt:south', status: 'failed', last_error: 'Weaver was uninstalled from this Slack workspace' },
    ]);
    const info = (await world.run('ann', 'info swcop')).text;
    expect(info).toContain('(slack, gone: Weaver was uninstalled from this Slack workspace)');
    expect(info).toMatch(/sw-cop.*\(slack\)/);
  });

  test('a second notice (tokens_revoked after app_uninstalled) changes nothing and keeps the first reason', async () => {
    await twoWorkspaces();
    const workspace = { platform: 'slack' as const, workspaceId: 'T0SOUTH' };
    await retireWorkspace(world.db, workspace, 'first reason', world.clock.now());
    world.clock.advance(60_000);
    expect(await retireWorkspace(world.db, workspace, 'second reason', world.clock.now())).toEqual({ postsGivenUp: 0, homeChannelsGone: 0 });
    const home = await world.db.selectFrom('home_channel').select(['gone_reason']).where('workspace_id', '=', 'T0SOUTH').executeTakeFirstOrThrow();
    expect(home.gone_reason).toBe('first reason');
  });

  test('installing again makes its home channels home again', async () => {
    await twoWorkspaces();
    const workspace = { platform: 'slack' as const, workspaceId: 'T0SOUTH' };
    await retireWorkspace(world.db, workspace, 'gone for now', world.clock.now());
    expect(await restoreWorkspace(world.db, workspace)).toBe(1);
    expect((await world.run('ann', 'info swcop')).text).not.toContain('gone');
  });
});
