// A local Slack Web API and Discord REST that enforce the platforms' rate limits and count every delivery, so that a
// fan-out can be checked for 429s, losses and duplicates. Only what the outbox uses: chat.postMessage on Slack;
// POST /channels/{id}/messages and POST /users/@me/channels on Discord.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Limits = Readonly<{
  /** Slack chat.postMessage: about one per second per channel, with short bursts (docs.slack.dev, Rate limits). */
  slackPerChannelPerSecond: number;
  slackChannelBurst: number;
  /** Slack's workspace-wide posting limit: Slack publishes no number; this is the figure Weaver's pacing assumes. */
  slackWorkspacePerSecond: number;
  slackWorkspaceBurst: number;
  /** Discord: 50 requests per second per bot, across routes (discord.com/developers/docs/topics/rate-limits). */
  discordGlobalPerSecond: number;
  /** Discord's bucket for POST /channels/{channel.id}/messages, per channel: 5 per 5 s, as Discord answers it today. */
  discordChannelLimit: number;
  discordChannelWindowMs: number;
}>;

export const documentedLimits: Limits = {
  slackPerChannelPerSecond: 1,
  slackChannelBurst: 3,
  slackWorkspacePerSecond: 20,
  slackWorkspaceBurst: 20,
  discordGlobalPerSecond: 50,
  discordChannelLimit: 5,
  discordChannelWindowMs: 5_000,
};

export type Delivery = Readonly<{ platform: 'slack' | 'discord'; destination: string; text: string; at: number }>;

/** A token bucket: `capacity` at once, refilled at `perSecond`. */
function createBucket(perSecond: number, capacity: number) {
  let tokens = capacity;
  let updated = Date.now();
  return {
    /** Takes a token, or returns the milliseconds until one is free. */
    take(now: number): number {
      tokens = Math.min(capacity, tokens + ((now - updated) / 1000) * perSecond);
      updated = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - tokens) / perSecond) * 1000);
    },
  };
}

/** A fixed window, as Discord counts: `limit` per window, reset at the window's end. */
function createWindow(limit: number, windowMs: number) {
  let start = 0;
  let used = 0;
  return {
    take(now: number): { waitMs: number; remaining: number; resetAfterMs: number } {
      if (now >= start + windowMs) {
        start = now;
        used = 0;
      }
      const resetAfterMs = start + windowMs - now;
      if (used >= limit) return { waitMs: resetAfterMs, remaining: 0, resetAfterMs };
      used++;
      return { waitMs: 0, remaining: limit - used, resetAfterMs };
    },
  };
}

/**
 * How long the fake takes to answer, drawn per call: none, or a realistic spread of 80–300 ms with a slow tail
 * (one call in twenty takes 0.3–1.5 s), seeded so that runs compare.
 */
export type Latency = () => number;

type Reply = (status: number, body: unknown, headers?: Record<string, string>) => void;

export const noLatency: Latency = () => 0;

export function realisticLatency(random: () => number): Latency {
  return () => (random() < 0.95 ? 80 + random() * 220 : 300 + random() * 1_200);
}

export async function startLimitedPlatforms(limits: Limits = documentedLimits, latency: Latency = noLatency) {
  const deliveries: Delivery[] = [];
  const rateLimited = { slack: 0, discord: 0 };
  const requests = { slack: 0, discord: 0 };
  const slackWorkspace = createBucket(limits.slackWorkspacePerSecond, limits.slackWorkspaceBurst);
  const slackChannels = new Map<string, ReturnType<typeof createBucket>>();
  const discordGlobal = createWindow(limits.discordGlobalPerSecond, 1000);
  const discordChannels = new Map<string, ReturnType<typeof createWindow>>();
  const dmChannels = new Map<string, string>();
  const dmRecipients = new Map<string, string>();
  const nonces = new Map<string, Record<string, unknown>>();
  let ts = 0;
  let snowflake = 1_300_000_000_000_000_000n;

  function slack(method: string, params: URLSearchParams, reply: Reply): void {
    requests.slack++;
    if (method !== 'chat.postMessage') return reply(200, { ok: false, error: 'unknown_method' });
    const channel = params.get('channel') ?? '';
    const now = Date.now();
    let bucket = slackChannels.get(channel);
    if (!bucket) slackChannels.set(channel, (bucket = createBucket(limits.slackPerChannelPerSecond, limits.slackChannelBurst)));
    // A refused call takes no token from the other limit.
    const channelWait = bucket.take(now);
    const wait = channelWait > 0 ? channelWait : slackWorkspace.take(now);
    if (wait > 0) {
      rateLimited.slack++;
      return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) });
    }
    const text = params.get('text') ?? '';
    deliveries.push({ platform: 'slack', destination: channel, text, at: now });
    const id = `1763892000.${String(++ts).padStart(6, '0')}`;
    reply(200, { ok: true, channel: /^[UW]/.test(channel) ? `D${channel}` : channel, ts: id, message: { text, ts: id } });
  }

  function discord(method: string, path: string, body: Record<string, unknown>, reply: Reply): void {
    requests.discord++;
    const now = Date.now();
    const global = discordGlobal.take(now);
    if (global.waitMs > 0) {
      rateLimited.discord++;
      const retryAfter = global.waitMs / 1000;
      return reply(
        429,
        { message: 'You are being rate limited.', retry_after: retryAfter, global: true },
        { 'retry-after': String(Math.ceil(retryAfter)), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
      );
    }
    if (method === 'POST' && path === '/users/@me/channels') {
      const recipient = String(body.recipient_id ?? '');
      let id = dmChannels.get(recipient);
      if (!id) {
        dmChannels.set(recipient, (id = String(++snowflake)));
        dmRecipients.set(id, recipient);
      }
      return reply(200, { id, type: 1, recipients: [{ id: recipient, username: `user${recipient}` }] });
    }
    const post = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (method === 'POST' && post) {
      const channelId = post[1]!;
      let window = discordChannels.get(channelId);
      if (!window) discordChannels.set(channelId, (window = createWindow(limits.discordChannelLimit, limits.discordChannelWindowMs)));
      const taken = window.take(now);
      const headers = {
        'x-ratelimit-limit': String(limits.discordChannelLimit),
        'x-ratelimit-remaining': String(taken.remaining),
        'x-ratelimit-reset': ((now + taken.resetAfterMs) / 1000).toFixed(3),
        'x-ratelimit-reset-after': (taken.resetAfterMs / 1000).toFixed(3),
        'x-ratelimit-bucket': 'channel-messages',
      };
      if (taken.waitMs > 0) {
        rateLimited.discord++;
        return reply(
          429,
          { message: 'You are being rate limited.', retry_after: taken.waitMs / 1000, global: false },
          { ...headers, 'retry-after': String(Math.ceil(taken.waitMs / 1000)), 'x-ratelimit-scope': 'user' },
        );
      }
      // As Discord does with enforce_nonce: a nonce seen before returns the message it made, and nothing is delivered.
      const nonce = typeof body.nonce === 'string' ? body.nonce : undefined;
      const earlier = nonce === undefined ? undefined : nonces.get(nonce);
      if (earlier && body.enforce_nonce === true) return reply(200, earlier, headers);
      const recipient = dmRecipients.get(channelId);
      deliveries.push({ platform: 'discord', destination: recipient ? `@${recipient}` : channelId, text: JSON.stringify(body), at: now });
      const id = String(++snowflake);
      const message = {
        id,
        channel_id: channelId,
        content: body.content ?? '',
        embeds: body.embeds ?? [],
        author: { id: '1100000000000000001', username: 'weaver', bot: true },
      };
      if (nonce !== undefined) nonces.set(nonce, message);
      return reply(200, message, headers);
    }
    reply(404, { message: '404: Not Found', code: 0 });
  }

  const server = createServer((request, response) => {
    // The call takes effect on arrival (a post is delivered, a limit counted); its answer comes after the latency.
    const delay = latency();
    const answer: Reply = (status, body, headers) =>
      delay > 0 ? void setTimeout(() => json(response, status, body, headers), delay) : json(response, status, body, headers);
    void readBody(request).then((raw) => {
      const path = new URL(request.url ?? '/', 'http://fake').pathname;
      const slackMethod = /^\/slack\/api\/([\w.]+)$/.exec(path);
      if (slackMethod) return slack(slackMethod[1]!, new URLSearchParams(raw), answer);
      const discordPath = /^\/discord\/api\/v\d+(\/.*)$/.exec(path);
      if (discordPath) return discord(request.method ?? 'GET', discordPath[1]!, raw ? (JSON.parse(raw) as Record<string, unknown>) : {}, answer);
      response.writeHead(404).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    slackApiUrl: `${base}/slack/api/`,
    discordApiUrl: `${base}/discord/api`,
    deliveries,
    rateLimited,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
