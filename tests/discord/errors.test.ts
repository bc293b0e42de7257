import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { shouldRejectRateLimit } from '../../adapters/discord/client.js';
import { describeStartFailure, loggableError, toDeliveryError } from '../../adapters/discord/errors.js';
import { DeliveryError } from '../../src/kernel/ports.js';

const apiError = (status: number, code: number, message: string, url = 'https://discord.com/api/v10/channels/1/messages') =>
  new DiscordAPIError({ code, message }, code, status, 'POST', url, { body: {} });

describe('Discord failures as the core sees them', () => {
  it.each([
    ['Unknown Channel', apiError(404, 10003, 'Unknown Channel'), true],
    ['Missing Access', apiError(403, 50001, 'Missing Access'), true],
    ['Missing Permissions', apiError(403, 50013, 'Missing Permissions'), true],
    ['Cannot send messages to this user', apiError(403, 50007, 'Cannot send messages to this user'), true],
    ['a 5xx after the retries', new HTTPError(502, 'Bad Gateway', 'POST', 'https://discord.com/api/v10/channels/1/messages', { body: {} }), false],
  ])('%s', (_name, error, permanent) => {
    const delivery = toDeliveryError(error, 'posting');
    expect(delivery).toBeInstanceOf(DeliveryError);
    expect((delivery as DeliveryError).permanent).toBe(permanent);
  });

  it('a rate limit longer than we wait is temporary and says when to retry', () => {
    const limited = new RateLimitError({
      global: false,
      method: 'POST',
      url: 'u',
      route: '/channels/:id/messages',
      majorParameter: '1',
      hash: 'h',
      limit: 5,
      timeToReset: 30_000,
      retryAfter: 30_000,
      sublimitTimeout: 0,
      scope: 'user',
    });
    const delivery = toDeliveryError(limited, 'posting') as DeliveryError;
    expect(delivery.permanent).toBe(false);
    expect(delivery.retryAfterMs).toBe(30_000);
  });

  it('a dropped connection (fetch failed) is temporary, said in one line with its cause', () => {
    const dropped = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    const delivery = toDeliveryError(dropped, 'posting in channel 1') as DeliveryError;
    expect(delivery).toBeInstanceOf(DeliveryError);
    expect(delivery.permanent).toBe(false);
    expect(delivery.message).toBe('posting in channel 1: the connection to Discord failed (UND_ERR_SOCKET other side closed)');
  });

  it('leaves bugs alone: they are not delivery failures', () => {
    const bug = new TypeError('x is undefined');
    expect(toDeliveryError(bug, 'posting')).toBe(bug);
  });

  it('masks interaction and webhook tokens in what it logs', () => {
    const error = apiError(
      400,
      40060,
      'Interaction has already been acknowledged.',
      'https://discord.com/api/v10/interactions/123/aW50ZXJhY3Rpb24.secret/callback?with_response=false',
    );
    expect(loggableError(error)).toMatchObject({
      code: 40060,
      status: 400,
      url: 'https://discord.com/api/v10/interactions/123/[token]/callback?with_response=false',
    });
    const webhook = apiError(404, 10015, 'Unknown Webhook', 'https://discord.com/api/v10/webhooks/1180000000000000001/tok.en/messages/@original');
    expect(JSON.stringify(loggableError(webhook))).not.toContain('tok.en');
  });

  it.each([
    ['An invalid token was provided.', 'Discord refused DISCORD_TOKEN'],
    ['Used disallowed intents', 'turn it on in the Developer Portal (Bot, Privileged Gateway Intents)'],
    ['connect ECONNREFUSED 127.0.0.1:1', 'Weaver cannot reach Discord at DISCORD_API_URL'],
  ])('explains “%s” at start in one sentence', (message, expected) => {
    expect(describeStartFailure(new Error(message))).toContain(expected);
  });
});

describe('which rate limits are slept through', () => {
  it.each([
    ['a short wait to read a channel', 'GET', '/channels/:id', 800, false],
    ['a long wait to read a channel', 'GET', '/channels/:id', 30_000, true],
    ['any wait to post (the outbox retries it, paced)', 'POST', '/channels/:id/messages', 300, true],
    ['any wait to edit a post', 'PATCH', '/channels/:id/messages/:id', 300, true],
    ['any wait to open a DM channel', 'POST', '/users/@me/channels', 300, true],
    ['a short wait on an interaction callback', 'POST', '/interactions/:id/:token/callback', 300, false],
    ['a wait that would miss the 3 seconds of an interaction', 'POST', '/interactions/:id/:token/callback', 2_500, true],
  ])('%s', (_name, method, route, wait, rejected) => {
    expect(shouldRejectRateLimit({ method, route, retryAfter: wait, timeToReset: 0 })).toBe(rejected);
  });
});
