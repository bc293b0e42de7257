import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { manualClock } from '../../src/kernel/clock.js';
import { answer } from '../../src/kernel/reply.js';
import { enqueue } from '../../src/delivery/outbox.js';
import { textOf } from './slack-world.js';
import { people, rooms, startWorkspacesWorld, teams, type WorkspacesWorld } from './workspaces-world.js';

// What happens around an installation: the OAuth state guards the redirect (forged, replayed, expired, or from another
// browser: refused before any code is exchanged), and a workspace that removes Weaver stops getting posts, alone.

const clock = manualClock('2026-12-02T09:00:00Z');
let world: WorkspacesWorld;
beforeAll(async () => {
  world = await startWorkspacesWorld({ clock });
  for (const team of [teams.north, teams.south, teams.west]) await world.install(team.id);
  await world.ask(people.nadia, 'create swcop "South West CoP"', rooms.northCop);
  await world.run(people.nadia, 'link swcop', rooms.northCop);
  await world.run(people.sara, 'link swcop', rooms.southCop);
  await world.run(people.wren, 'link swcop', rooms.westCop);
});
afterAll(async () => world?.close());

const db = () => world.weaver.services.db;
const exchanges = () => world.fake.callsTo('oauth.v2.access').length;

describe('the OAuth state', () => {
  test('a replayed redirect is refused, and its code is not exchanged again', async () => {
    const started = await world.startInstall(teams.north.id);
    expect((await world.followRedirect(started.redirect, started.cookie)).status).toBe(200);
    const before = exchanges();
    const replay = await world.followRedirect(started.redirect, started.cookie);
    expect(replay.status).toBe(400);
    expect(replay.html).toContain('This install link is not valid');
    expect(exchanges()).toBe(before);
  });

  test('a forged state is refused before any code is exchanged', async () => {
    const payload = Buffer.from(JSON.stringify({ id: 'forged', at: clock.now(), options: { scopes: ['commands'] } })).toString('base64url');
    const forged = `${payload}.${createHmac('sha256', 'not-the-state-secret-at-all').update(payload).digest('base64url')}`;
    const redirect = new URL(`https://weaver.example.org/slack/oauth_redirect?code=code-T0NORTH-999&state=${forged}`);
    const before = exchanges();
    const refused = await world.followRedirect(redirect, `slack-app-oauth-state=${forged}`);
    expect(refused.status).toBe(400);
    expect(exchanges()).toBe(before);
  });

  test('a state from another browser (no matching cookie) or older than ten minutes is refused', async () => {
    const other = await world.startInstall(teams.north.id);
    expect((await world.followRedirect(other.redirect, undefined)).status).toBe(400);
    const late = await world.startInstall(teams.north.id);
    clock.advance(11 * 60_000);
    const before = exchanges();
    expect((await world.followRedirect(late.redirect, late.cookie)).status).toBe(400);
    expect(exchanges()).toBe(before);
  });
});

describe('a workspace that removes Weaver', () => {
  test('an uninstall stops posts to that workspace only, gives up its pending posts, and info says its channel is gone', async () => {
    const southHome = { platform: 'slack' as const, workspaceId: teams.south.id, channelId: rooms.southCop.id };
    const northHome = { platform: 'slack' as const, workspaceId: teams.north.id, channelId: rooms.northCop.id };
    const later = clock.now() + 86_400_000;
    await enqueue(db(), { key: 'test:south-later', target: { channel: southHome }, reply: answer('Tomorrow’s reminder'), notBefore: later }, clock.now());
    await enqueue(db(), { key: 'test:north-later', target: { channel: northHome }, reply: answer('Tomorrow’s reminder'), notBefore: later }, clock.now());

    await world.event(teams.south.id, { type: 'app_uninstalled', event_ts: '1795400000.000100' });
    world.fake.revokeTokensOf(teams.south.id);

    const installed = await db().selectFrom('slack_installation').select('install_key').orderBy('install_key').execute();
    expect(installed.map((row) => row.install_key)).toEqual(['T:T0NORTH', 'T:T0WEST']);
    const rows = await db().selectFrom('outbox').select(['key', 'status', 'last_error']).where('key', 'like', 'test:%').orderBy('key').execute();
    expect(rows).toEqual([
      { key: 'test:north-later', status: 'pending', last_error: null },
      { key: 'test:south-later', status: 'failed', last_error: 'Weaver was uninstalled from this Slack workspace' },
    ]);

    const southPostsBefore = world.callsFrom(teams.south.id, 'chat.postMessage').length;
    const postsBefore = world.fake.callsTo('chat.postMessage').length;
    await world.run(people.nadia, 'prompt now swcop', rooms.northCop);
    const prompts = world.fake.callsTo('chat.postMessage').slice(postsBefore);
    expect(prompts.map((call) => [call.params.channel, world.fake.teamOfToken(call.token)])).toEqual(
      expect.arrayContaining([
        [rooms.northCop.id, teams.north.id],
        [rooms.westCop.id, teams.west.id],
      ]),
    );
    expect(prompts.some((call) => call.params.channel === rooms.southCop.id)).toBe(false);
    expect(world.callsFrom(teams.south.id, 'chat.postMessage')).toHaveLength(southPostsBefore);

    const info = textOf(await world.ask(people.nadia, 'info swcop', rooms.northCop));
    expect(info).toContain('#practice (slack, gone: Weaver was uninstalled from this Slack workspace)');
    expect(info).toContain('#sw-cop (slack)');
  });

  test('tokens_revoked after app_uninstalled changes nothing more; in the other order, the first reason stays', async () => {
    // Slack may deliver app_uninstalled more than once too: the second changes nothing.
    await world.event(teams.south.id, { type: 'app_uninstalled', event_ts: '1795400000.000100' });
    await world.event(teams.south.id, { type: 'tokens_revoked', tokens: { oauth: [], bot: [teams.south.botUserId] }, event_ts: '1795400001.000100' });
    expect(textOf(await world.ask(people.nadia, 'info swcop', rooms.northCop))).toContain('gone: Weaver was uninstalled from this Slack workspace');

    await world.event(teams.west.id, { type: 'tokens_revoked', tokens: { oauth: [], bot: [teams.west.botUserId] }, event_ts: '1795400002.000100' });
    await world.event(teams.west.id, { type: 'app_uninstalled', event_ts: '1795400003.000100' });
    const installed = await db().selectFrom('slack_installation').select('install_key').execute();
    expect(installed.map((row) => row.install_key)).toEqual(['T:T0NORTH']);
    expect(textOf(await world.ask(people.nadia, 'info swcop', rooms.northCop))).toContain(
      '#cop (slack, gone: Weaver’s access to this Slack workspace was revoked)',
    );
  });

  test('a workspace that installs Weaver again gets its home channel back', async () => {
    const again = await world.install(teams.south.id);
    expect(again.status).toBe(200);
    expect(textOf(await world.ask(people.nadia, 'info swcop', rooms.northCop))).toContain('#practice (slack),');
    // A later prompt: each occurrence is posted once per channel.
    clock.advance(60 * 60_000);
    const postsBefore = world.fake.callsTo('chat.postMessage').length;
    await world.run(people.nadia, 'prompt now swcop', rooms.northCop);
    const toSouth = world.fake
      .callsTo('chat.postMessage')
      .slice(postsBefore)
      .filter((call) => call.params.channel === rooms.southCop.id);
    expect(toSouth.map((call) => world.fake.teamOfToken(call.token))).toEqual([teams.south.id]);
  });
});
