import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError, type PlatformPort } from '../../src/kernel/ports.js';
import { answer } from '../../src/kernel/reply.js';
import { startWeaverOnFakeDiscord, type DiscordSession } from '../fakes/discord-session.js';
import { ids, people } from '../fakes/discord-world.js';

let discord: DiscordSession;
let port: PlatformPort;
const home = { platform: 'discord' as const, workspaceId: ids.guild, channelId: ids.homeChannel };

beforeAll(async () => {
  discord = await startWeaverOnFakeDiscord();
  port = discord.weaver.services.platforms.get('discord')!;
});
afterAll(async () => {
  await discord?.stop();
});

async function rejection(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DeliveryError)) throw new Error(`expected a DeliveryError, got ${String(error)}`);
  return error;
}

describe('posting through the Discord port', () => {
  it('posts a reply in a channel and returns its permalink', async () => {
    const posted = await port.postMessage(home, answer('Prompt of the week: what did you try?'));
    const call = discord.fake.calls.at(-1)!;
    expect(call).toMatchObject({ method: 'POST', path: `/channels/${ids.homeChannel}/messages`, authorized: true, status: 200 });
    expect(call.body.content).toBe('Prompt of the week: what did you try?');
    expect(posted.permalink).toBe(`https://discord.com/channels/${ids.guild}/${ids.homeChannel}/${posted.messageId}`);
  });

  it('replies in a thread, starting it from the message when it does not exist yet', async () => {
    const question = await port.postMessage(home, answer('How do you run a taster day?'));
    const from = discord.fake.calls.length;
    const first = await port.postMessage(home, answer('Reply one'), { threadId: question.messageId });
    const second = await port.postMessage(home, answer('Reply two'), { threadId: question.messageId });
    const calls = discord.fake.calls.slice(from).map((c) => `${c.method} ${c.path} ${c.status}`);
    expect(calls).toEqual([
      `POST /channels/${question.messageId}/messages 404`,
      `GET /channels/${ids.homeChannel}/messages/${question.messageId} 200`,
      `POST /channels/${ids.homeChannel}/messages/${question.messageId}/threads 201`,
      `POST /channels/${question.messageId}/messages 200`,
      `POST /channels/${question.messageId}/messages 200`,
    ]);
    expect(discord.fake.channels.get(question.messageId)!.name).toBe('How do you run a taster day?');
    expect(first.permalink).toContain(`/${question.messageId}/${first.messageId}`);
    expect(second.messageId).not.toBe(first.messageId);
  });

  it('attaches a file', async () => {
    await port.postMessage(home, answer('The repertoire', { attachment: { filename: 'outreach.md', content: '# Outreach', mimeType: 'text/markdown' } }));
    expect(discord.fake.calls.at(-1)).toMatchObject({ status: 200, files: ['outreach.md'], body: { content: 'The repertoire' } });
  });

  it('edits a message it posted', async () => {
    const posted = await port.postMessage(home, answer('RSVPs: 0'));
    await port.updateMessage(home, posted.messageId, answer('RSVPs: 1'));
    expect(discord.fake.calls.at(-1)).toMatchObject({ method: 'PATCH', path: `/channels/${ids.homeChannel}/messages/${posted.messageId}`, status: 200 });
    expect(discord.fake.channels.get(ids.homeChannel)!.messages.find((m) => m.id === posted.messageId)!.content).toBe('RSVPs: 1');
  });

  it('sends a direct message by opening the DM channel first', async () => {
    const posted = await port.sendDirectMessage(
      { platform: 'discord', workspaceId: ids.guild, userId: ids.ann },
      answer('Reminder: the meetup starts in an hour.'),
    );
    const [open, send] = discord.fake.calls.slice(-2);
    expect(open).toMatchObject({ method: 'POST', path: '/users/@me/channels', body: { recipient_id: ids.ann } });
    expect(send!.path).toMatch(/^\/channels\/\d+\/messages$/);
    expect(posted.messageId).toMatch(/^\d{17,20}$/);
  });

  it.each([
    ['a channel the bot cannot see (Missing Access)', ids.staffChannel, 'Missing Access (code 50001)'],
    ['a channel that is gone (Unknown Channel)', '1180000000000000299', 'Unknown Channel (code 10003)'],
  ])('fails permanently for %s', async (_name, channelId, message) => {
    const error = await rejection(port.postMessage({ ...home, channelId }, answer('hello')));
    expect(error.permanent).toBe(true);
    expect(error.message).toContain(message);
  });

  it('fails permanently for a member who does not accept direct messages', async () => {
    discord.fake.failNext({
      method: 'POST',
      path: /^\/channels\/\d+\/messages$/,
      status: 403,
      body: { message: 'Cannot send messages to this user', code: 50007 },
    });
    const error = await rejection(port.sendDirectMessage({ platform: 'discord', workspaceId: ids.guild, userId: ids.bob }, answer('hi')));
    expect(error.permanent).toBe(true);
    expect(error.message).toContain('code 50007');
  });
});

describe('rate limits (429)', () => {
  const rateLimited = (seconds: number) => ({
    status: 429,
    body: { message: 'You are being rate limited.', retry_after: seconds, global: false },
    headers: {
      'retry-after': String(seconds),
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset-after': String(seconds),
      'x-ratelimit-bucket': 'fake-bucket',
      'x-ratelimit-scope': 'user',
    },
  });

  it('hands even a short 429 on a post to the outbox at once, which retries it after the wait, paced', async () => {
    discord.fake.failNext({ method: 'POST', path: new RegExp(`^/channels/${ids.generalChannel}/messages$`), ...rateLimited(0.05) });
    const from = discord.fake.calls.length;
    const error = await rejection(port.postMessage({ ...home, channelId: ids.generalChannel }, answer('Digest of the week')));
    expect(error.permanent).toBe(false);
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(50);
    // discord.js sent nothing more by itself: the retry is the outbox's, counted against the pacing.
    expect(discord.fake.calls.slice(from).map((c) => c.status)).toEqual([429]);
    const posted = await port.postMessage({ ...home, channelId: ids.generalChannel }, answer('Digest of the week'));
    expect(posted.messageId).toMatch(/^\d+$/);
  });

  it('turns a long 429 into a temporary DeliveryError that says when to retry, without waiting', async () => {
    discord.fake.failNext({ method: 'POST', path: new RegExp(`^/channels/${ids.generalChannel}/messages$`), ...rateLimited(30) });
    const error = await rejection(port.postMessage({ ...home, channelId: ids.generalChannel }, answer('Digest of the week')));
    expect(error.permanent).toBe(false);
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(30_000);
  });

  it('answers an interaction whose callback was rate limited once', async () => {
    discord.fake.failNext({ method: 'POST', path: /^\/interactions\/\d+\/[^/]+\/callback$/, ...rateLimited(0.05) });
    const { callback: first, interaction } = await discord.cop(people.ann, ['mine']);
    expect(first.status).toBe(429);
    const callback = await discord.fake.waitForCall((c) => c.path.endsWith(`/${interaction.token}/callback`) && c.status !== 429);
    expect(callback.status).toBe(204);
    expect(discord.fake.interactionCalls(interaction.token).map((c) => c.status)).toEqual([429, 204]);
    expect(callback.body.data.content).toContain('You have not joined any community yet');
  });
});

describe('gateway reconnects', () => {
  it('resumes when Discord asks it to reconnect (op 7), and keeps answering', async () => {
    const resumesBefore = discord.fake.gateway.resumes;
    const resumed = discord.fake.gateway.waitFor('resumed');
    discord.fake.gateway.requestReconnect();
    await resumed;
    expect(discord.fake.gateway.resumes).toBe(resumesBefore + 1);
    expect((await discord.cop(people.ann, ['help'])).callback.status).toBe(204);
  });

  it('resumes after the connection drops (close 4000), replaying an interaction sent meanwhile', async () => {
    const resumed = discord.fake.gateway.waitFor('resumed');
    discord.fake.gateway.closeConnection(4000);
    // Sent while the bot is away: Discord replays it on RESUME.
    const answered = discord.cop(people.ann, ['list']);
    await resumed;
    expect((await answered).data.content).toContain('There are no communities yet');
  });

  it('identifies afresh when the session cannot be resumed (op 9), and keeps answering', async () => {
    const identifiesBefore = discord.fake.gateway.identifies;
    const identified = discord.fake.gateway.waitFor('identified');
    discord.fake.gateway.invalidateSession();
    discord.fake.gateway.closeConnection(4000);
    await identified;
    expect(discord.fake.gateway.identifies).toBe(identifiesBefore + 1);
    expect((await discord.cop(people.ann, ['help'])).callback.status).toBe(204);
  });

  it('heartbeats when Discord asks for one (op 1), so that the connection is never taken for a zombie', async () => {
    const beat = discord.fake.gateway.waitFor('heartbeat');
    discord.fake.gateway.requestHeartbeat();
    await beat;
    expect(discord.fake.gateway.received.at(-1)).toMatchObject({ op: 1 });
  });
});
