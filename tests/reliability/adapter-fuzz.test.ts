import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { startWeaver } from '../../src/app/start.js';
import { commands } from '../../src/commands/index.js';
import { startWeaverOnFakeDiscord, type DiscordSession } from '../fakes/discord-session.js';
import { buttonClick, memberMessage } from '../fakes/discord-payloads.js';
import { ids, people as discordPeople } from '../fakes/discord-world.js';
import {
  blockActionsPayload,
  eventEnvelope,
  messageShortcutPayload,
  postSigned,
  sendEvent,
  sendInteraction,
  sendSlashCommand,
} from '../fakes/slack-requests.js';
import { buttonActionPrefix } from '../../adapters/slack/render-blocks.js';
import { people, rooms, startSlackWorld, textOf, type SlackWorld } from '../slack/slack-world.js';
import { silentLog, tempDatabasePath } from '../support/harness.js';
import { rowCounts, watchUnhandled } from './db-snapshot.js';

// Random and hostile input through each adapter: no crash, no unhandled rejection, an answer where one is due,
// and the database unchanged by everything refused. fast-check prints the seed of a failing run.

const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    '',
    ' ',
    '"',
    '“',
    'tier:',
    '<@U0ANN|ann>',
    '<!channel>',
    '<#C0GENERAL|general>',
    "'; drop table member; --",
    '%00',
    '\u0000',
    '\u202e',
    '💥'.repeat(500),
    'a'.repeat(5000),
    '{"json": true}',
    '__proto__',
    'constructor',
  ),
);
// Command lines that are refused: unknown words, or real commands given arguments they cannot take.
const refusedLine = fc.oneof(
  // (`event create` alone is no refusal on Slack: it opens the event form.)
  fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map((s) => `zz${s}`),
  fc.constantFrom(
    'join',
    'join nowhere-at-all',
    'share',
    'rsvp banana',
    'event create nowhere Lunch 2026-12-10 12:30',
    'rhythm x weekly funday 25:99',
    'set outreach colour blue',
    'info "',
  ),
);
const jsonValue = fc.jsonValue({ maxDepth: 3 });

const unhandled = watchUnhandled();
afterAll(() => {
  unhandled.stop();
  expect(unhandled.seen.map((error) => (error instanceof Error ? error.stack : String(error)))).toEqual([]);
});

describe('fuzzing the Slack endpoint', () => {
  let slack: SlackWorld;
  beforeAll(async () => {
    slack = await startSlackWorld();
    await slack.ask(people.weaverAdmin, 'create outreach "STEM Outreach"');
  });
  afterAll(async () => {
    await slack?.close();
  });
  const counts = () => rowCounts(slack.weaver.services.db, ['slack_event']);

  it('refuses unsigned and forged requests of any shape (401, or 400 for a body that is not Slack’s), touching nothing', async () => {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data'),
        fc.oneof(
          fc.constant(null),
          fc.string({ maxLength: 80 }).map((s) => `v0=${s}`),
          fc.string({ unit: fc.constantFrom(...'0123456789abcdef'.split('')), minLength: 64, maxLength: 64 }).map((h) => `v0=${h}`),
        ),
        async (body, contentType, signature) => {
          const response = await postSigned(slack.requestUrl, body, contentType, { signature });
          expect([400, 401]).toContain(response.status);
        },
      ),
      { numRuns: 40 },
    );
    // A correct signature over a stale timestamp is a replay.
    const stale = await sendSlashCommand(
      slack.requestUrl,
      { text: 'list', userId: people.ann.id, channelId: rooms.general.id, responseUrl: 'http://127.0.0.1:9/x' },
      { timestamp: Math.floor(Date.now() / 1000) - 3600 },
    );
    expect(stale.status).toBe(401);
    expect(await counts()).toEqual(before);
  });

  it('answers signed garbage without a server error, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 300 }),
          jsonValue.map((v) => JSON.stringify(v)),
        ),
        fc.constantFrom('application/json', 'application/x-www-form-urlencoded'),
        async (body, contentType) => {
          const response = await postSigned(slack.requestUrl, body, contentType);
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 40 },
    );
    await slack.idle();
    expect((await fetch(`${slack.base}/healthz`)).status).toBe(200);
  });

  it('answers every refused /cop line with one sentence, and the database is unchanged', async () => {
    const before = await counts();
    await fc.assert(
      fc.asyncProperty(refusedLine, async (line) => {
        const sent = await slack.cop(people.ann, line);
        expect(sent.ack.status).toBe(200);
        const answer = textOf(await sent.answer());
        expect(answer.length).toBeGreaterThan(0);
        expect(answer).not.toMatch(/went wrong/);
      }),
      { numRuns: 30 },
    );
    await slack.idle();
    expect(await counts()).toEqual(before);
  });

  const shaped = <T>(good: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 4 }, { arbitrary: jsonValue, weight: 1 });
  let eventNumber = 0;

  it('acks well-formed Events API events with 200, survives malformed ones, and stores nothing from outside a home channel', async () => {
    const before = await counts();
    const event = (malformed: boolean) => {
      const field = <T>(good: fc.Arbitrary<T>) => (malformed ? shaped(good) : good);
      return fc.record({
        type: fc.constantFrom('message', 'reaction_added', 'reaction_removed', 'app_home_opened', 'member_joined_channel', 'channel_rename', 'no_such_event'),
        subtype: fc.option(fc.constantFrom('message_changed', 'message_deleted', 'bot_message', 'thread_broadcast', 'weird'), { nil: undefined }),
        channel: field(fc.oneof(fc.constant(rooms.general.id), fc.constant(rooms.outreach.id), fc.string({ maxLength: 12 }))),
        user: field(fc.oneof(fc.constant(people.ann.id), fc.constant(people.bob.id), fc.string({ minLength: 1, maxLength: 12 }))),
        text: field(hostileText),
        ts: field(fc.oneof(fc.constant('1763892000.000100'), fc.string({ maxLength: 20 }))),
        thread_ts: fc.option(field(fc.constant('1763892000.000100')), { nil: undefined }),
        reaction: fc.option(fc.constantFrom('white_check_mark', 'x', ''), { nil: undefined }),
        item: fc.option(field(fc.record({ type: fc.constant('message'), channel: fc.constant(rooms.general.id), ts: fc.string() })), { nil: undefined }),
        message: fc.option(jsonValue, { nil: undefined }),
      });
    };
    await fc.assert(
      fc.asyncProperty(event(false), async (payload) => {
        const response = await sendEvent(slack.requestUrl, eventEnvelope(payload, `EvFUZZ${++eventNumber}`));
        expect(response.status).toBe(200);
      }),
      { numRuns: 50 },
    );
    // Fields of the wrong type (only Slack can sign, so these would be Slack's own bugs): any answer, no crash.
    await fc.assert(
      fc.asyncProperty(event(true), async (payload) => {
        const response = await sendEvent(slack.requestUrl, eventEnvelope(payload, `EvFUZZ${++eventNumber}`));
        expect(response.status).toBeGreaterThanOrEqual(200);
      }),
      { numRuns: 30 },
    );
    await slack.idle();
    expect(await counts()).toEqual(before);
    expect((await fetch(`${slack.base}/healthz`)).status).toBe(200);
  });

  it('answers random interactivity payloads, touching nothing', async () => {
    const before = await counts();
    const who = { userId: people.ann.id, userName: 'ann', channelId: rooms.general.id, channelName: 'general', responseUrl: slack.fake.newResponseUrl().url };
    // Well-formed payloads as Slack sends them, with hostile values: buttons carrying any command line, shortcuts on any message.
    const good = fc.oneof(
      fc
        .tuple(fc.constantFrom(`${buttonActionPrefix}0`, `${buttonActionPrefix}1`), fc.oneof(hostileText, refusedLine))
        .map(([action_id, value]) => blockActionsPayload(who, { action_id, value })),
      fc
        .tuple(hostileText, fc.constantFrom(people.bob.id, people.ann.id, 'U0NOBODY'), fc.constantFrom('1763892000.000100', '1.2', 'x'))
        .map(([text, user, ts]) => messageShortcutPayload(who, { ts, user, text })),
    );
    // The same with a field of the wrong type somewhere.
    const broken = fc
      .tuple(good, fc.constantFrom('user', 'team', 'channel', 'actions', 'message', 'container', 'response_url'), jsonValue)
      .map(([p, key, value]) => ({ ...p, [key]: value }));
    const payload = (malformed: boolean) => (malformed ? broken : good);
    await fc.assert(
      fc.asyncProperty(payload(false), async (p) => {
        const response = await sendInteraction(slack.requestUrl, p);
        expect(response.status).toBe(200);
      }),
      { numRuns: 15 },
    );
    const unknown = await sendInteraction(slack.requestUrl, { type: 'view_closed_or_new', user: { id: people.ann.id }, team: { id: 'T0WEAVER' } });
    expect(unknown.status).toBe(404);
    await fc.assert(
      fc.asyncProperty(payload(true), async (p) => {
        const response = await sendInteraction(slack.requestUrl, p);
        expect(response.status).toBeGreaterThanOrEqual(200);
      }),
      { numRuns: 10 },
    );
    await slack.idle();
    expect(await counts()).toEqual(before);
    expect((await fetch(`${slack.base}/healthz`)).status).toBe(200);
  }, 60_000);
});

describe('fuzzing Discord interactions and gateway events', () => {
  let discord: DiscordSession;
  beforeAll(async () => {
    discord = await startWeaverOnFakeDiscord();
    await discord.cop(discordPeople.owner, ['create'], { slug: 'outreach', name: 'STEM Outreach' });
  });
  afterAll(async () => {
    await discord?.stop();
  });
  const counts = () => rowCounts(discord.weaver.services.db);

  it('answers every /cop interaction with random option values, never with a server error', async () => {
    const paths = commands.all.map((command) => [...command.path]);
    const option = fc.oneof(hostileText, fc.integer(), fc.constant(Number.MAX_SAFE_INTEGER), fc.constant(-1), fc.constant({ user: discordPeople.ann }));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.dictionary(
          fc.constantFrom('community', 'slug', 'name', 'text', 'event', 'answer', 'tier', 'user', 'date', 'time', 'schedule', 'query', 'bogus'),
          option,
          {
            maxKeys: 4,
          },
        ),
        async (path, options) => {
          const { callback, data } = await discord.cop(discordPeople.ann, path, options);
          expect(callback.status).toBeLessThan(300);
          // The answer, or a deferral whose answer follows: either way the callback is Discord's documented shape.
          expect([4, 5]).toContain(callback.body?.type);
          if (callback.body?.type === 4) expect(String(data.content ?? '') + JSON.stringify(data.embeds ?? [])).not.toBe('[]');
        },
      ),
      { numRuns: 40 },
    );
    await discord.settle();
  });

  it('ignores random messages, reactions, button clicks and unknown events outside a home channel, storing nothing', async () => {
    await discord.settle();
    const before = await counts();
    const gatewayEvent = fc.oneof(
      fc
        .tuple(hostileText, fc.constantFrom(ids.generalChannel, ids.homeChannel, '1180000000000009999'))
        .map(([text, channel]) => ['MESSAGE_CREATE', memberMessage(discordPeople.ann, text, channel)] as const),
      fc.tuple(fc.constantFrom('✅', '❌', 'x', ''), fc.constantFrom(ids.generalChannel, '1180000000000009999')).map(
        ([emoji, channel]) =>
          [
            'MESSAGE_REACTION_ADD',
            {
              user_id: discordPeople.ann.id,
              channel_id: channel,
              message_id: '1180000000000008888',
              guild_id: ids.guild,
              emoji: { id: null, name: emoji },
              type: 0,
            },
          ] as const,
      ),
      // Event names discord.js does not know, with any data (known events carry Discord's documented shapes above).
      fc.tuple(fc.constantFrom('SOMETHING_NEW', 'GUILD_FUTURE_FEATURE_UPDATE'), jsonValue).map(([type, d]) => [type, d] as const),
      fc.constant(['MESSAGE_DELETE', { id: '1180000000000007777', channel_id: ids.generalChannel, guild_id: ids.guild }] as const),
    );
    await fc.assert(
      fc.asyncProperty(gatewayEvent, async ([type, d]) => {
        discord.fake.gateway.dispatch(type, d);
      }),
      { numRuns: 60 },
    );
    await discord.settle();
    // Buttons whose custom id is garbage get a clear answer, not a crash.
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 100 }),
          refusedLine.map((line) => `cop:${line}`),
        ),
        async (customId) => {
          const callback = await discord.interact(buttonClick(discordPeople.ann, customId, memberMessage(discordPeople.ann, 'x', ids.homeChannel)));
          expect(callback.status).toBeLessThan(300);
        },
      ),
      { numRuns: 20 },
    );
    await discord.settle();
    expect(await counts()).toEqual(before);
  });
});

describe('fuzzing the console', () => {
  it('answers every line of a hostile session and ends cleanly, the database unchanged by what it refused', async () => {
    const lines = fc.sample(
      refusedLine.filter((line) => !/[\n\r]/.test(line) && !line.trim().startsWith(':')),
      { numRuns: 40, seed: 19 },
    );
    const loaded = loadConfig({ DATABASE_PATH: tempDatabasePath() });
    if (!loaded.ok) throw new Error(loaded.errors.join());
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk) => (text += chunk));
    const weaver = await startWeaver(loaded.config, { log: silentLog, console: { input, output } });
    const before = await rowCounts(weaver.services.db);
    input.end([...lines, ':nonsense', ':as', ':press 99', ':reply 5', ':react', ''].join('\n') + '\n');
    await weaver.finished;
    expect(await rowCounts(weaver.services.db)).toEqual(before);
    await weaver.stop();
    expect(text).not.toMatch(/went wrong|at .*\.ts:\d+/);
    expect(text.trim().split('\n').length).toBeGreaterThanOrEqual(lines.length);
  });
});
