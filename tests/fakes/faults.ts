// Fault injection and rate limits for the fake Slack and Discord (opt-in: `faults` and `limits` options of
// startFakeSlack and FakeDiscord.start). A seeded plan decides, call by call, whether the platform misbehaves: a 5xx,
// an answer that never comes (the client times out), a connection reset, or the start of a 429 storm (every call
// refused with Retry-After for a while). 5xx, timeouts and resets come before the call takes effect or after it (the
// post is made and the answer lost), as they do on the real platforms. Gateway disconnects are driven by the caller
// (see FakeGateway: closeConnection, invalidateSession, requestReconnect) and counted here.
import type { ServerResponse } from 'node:http';

export const faultKinds = ['5xx', 'timeout', 'reset', '429-storm'] as const;
export type FaultKind = (typeof faultKinds)[number];
export type GatewayFaultKind = 'gateway-resume' | 'gateway-reidentify' | 'gateway-reconnect-request';

export type Fault = Readonly<{ kind: FaultKind; afterEffect: boolean }>;

export type FaultOptions = Readonly<{
  /** The share of calls (0 to 1) that meet a fault, 429 storms included. */
  rate: number;
  random: () => number;
  kinds?: readonly FaultKind[];
  /** Which calls may fail: `slack:chat.postMessage`, `discord:POST /channels/:id/messages`. All by default. */
  applies?: (call: string) => boolean;
  /**
   * With it, 429 storms come at random about this often on each platform (whatever the traffic), rather than as one of
   * the per-call kinds.
   */
  stormEveryMs?: number;
  /** How long a 429 storm lasts, and how long an unanswered call is held before its socket is dropped. */
  stormMs?: number;
  holdMs?: number;
}>;

export type FaultPlan = Readonly<{
  /** Faults injected so far, by kind; storms count once each, `429` counts every call refused in one. */
  injected: Record<FaultKind | GatewayFaultKind | '429', number>;
  decide(platform: 'slack' | 'discord', call: string, now: number): Fault | 'storm' | undefined;
  /** Seconds a refused call is told to wait. */
  stormRetryAfter(platform: 'slack' | 'discord', now: number): number;
  holdMs: number;
  /** Stops injecting (the end of a soak: what is left must drain). */
  stop(): void;
  count(kind: GatewayFaultKind): void;
}>;

export function createFaultPlan(options: FaultOptions): FaultPlan {
  const timedStorms = options.stormEveryMs !== undefined;
  const kinds = (options.kinds ?? faultKinds).filter((kind) => !timedStorms || kind !== '429-storm');
  const nextStorm = (now: number) => now + (options.stormEveryMs ?? 0) * (0.5 + options.random());
  const stormAt = { slack: timedStorms ? nextStorm(Date.now()) : Infinity, discord: timedStorms ? nextStorm(Date.now()) : Infinity };
  const stormMs = options.stormMs ?? 4_000;
  const injected = Object.fromEntries(
    [...faultKinds, 'gateway-resume', 'gateway-reidentify', 'gateway-reconnect-request', '429'].map((kind) => [kind, 0]),
  ) as FaultPlan['injected'];
  const stormUntil = { slack: 0, discord: 0 };
  let stopped = false;
  return {
    injected,
    holdMs: options.holdMs ?? 30_000,
    decide(platform, call, now) {
      if (stopped || !(options.applies?.(call) ?? true)) return undefined;
      if (now >= stormAt[platform]) {
        stormAt[platform] = nextStorm(now);
        stormUntil[platform] = now + stormMs;
        injected['429-storm']++;
      }
      if (now < stormUntil[platform]) {
        injected['429']++;
        return 'storm';
      }
      if (options.random() >= options.rate) return undefined;
      const kind = kinds[Math.floor(options.random() * kinds.length)]!;
      injected[kind]++;
      if (kind === '429-storm') {
        stormUntil[platform] = now + stormMs;
        injected['429']++;
        return 'storm';
      }
      return { kind, afterEffect: options.random() < 0.5 };
    },
    stormRetryAfter: (platform, now) => Math.max(1, Math.ceil((stormUntil[platform] - now) / 1000)),
    stop: () => void (stopped = true),
    count: (kind) => void injected[kind]++,
  };
}

export type FakeAnswer = Readonly<{ status: number; body?: unknown; headers?: Record<string, string> }>;

/**
 * Answers one call through the plan: `handle` makes the call take effect and returns the platform's answer; `tooMany`
 * is the platform's 429. Returns the answer written, or undefined when none was (a reset, or a held call).
 */
export async function answerWithFaults(
  plan: FaultPlan,
  platform: 'slack' | 'discord',
  call: string,
  response: ServerResponse,
  handle: () => Promise<FakeAnswer>,
  tooMany: (retryAfterSeconds: number) => FakeAnswer,
): Promise<FakeAnswer | undefined> {
  const now = Date.now();
  const fault = plan.decide(platform, call, now);
  if (fault === undefined) return write(response, await handle());
  if (fault === 'storm') return write(response, tooMany(plan.stormRetryAfter(platform, now)));
  if (fault.afterEffect) await handle();
  switch (fault.kind) {
    case '5xx':
      return write(response, { status: [500, 502, 503][Math.floor(now % 3)]!, body: { ok: false, error: 'fatal_error', message: 'injected 5xx' } });
    case 'reset':
      response.socket?.destroy();
      return undefined;
    default: {
      // Never answered: the client gives up on its own timeout; the socket is dropped later so nothing leaks.
      const timer = setTimeout(() => response.socket?.destroy(), plan.holdMs);
      response.on('close', () => clearTimeout(timer));
      return undefined;
    }
  }
}

function write(response: ServerResponse, answer: FakeAnswer): FakeAnswer {
  const json = answer.body === undefined ? {} : { 'content-type': 'application/json' };
  response.writeHead(answer.status, { ...json, ...answer.headers }).end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
  return answer;
}

/** A token bucket: `capacity` at once, refilled at `perSecond`. Returns 0 when a call may go, else ms to wait. */
export function tokenBucket(perSecond: number, capacity: number): (now: number) => number {
  let tokens = capacity;
  let updated = Date.now();
  return (now) => {
    tokens = Math.min(capacity, tokens + ((now - updated) / 1000) * perSecond);
    updated = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - tokens) / perSecond) * 1000);
  };
}

/** A fixed window, as Discord counts: `limit` per window, reset at the window's end. */
export function fixedWindow(limit: number, windowMs: number): (now: number) => { waitMs: number; remaining: number; resetAfterMs: number } {
  let start = 0;
  let used = 0;
  return (now) => {
    if (now >= start + windowMs) {
      start = now;
      used = 0;
    }
    const resetAfterMs = start + windowMs - now;
    if (used >= limit) return { waitMs: resetAfterMs, remaining: 0, resetAfterMs };
    used++;
    return { waitMs: 0, remaining: limit - used, resetAfterMs };
  };
}

/**
 * The platforms' published limits, as the fakes enforce them when asked to: Slack chat.postMessage about one per second
 * per channel with short bursts, and a workspace-wide figure (Slack publishes none; this is what Weaver's pacing
 * assumes); Discord 5 messages per 5 s per channel and 50 requests per second per bot.
 */
export const platformLimits = {
  slack: { perChannelPerSecond: 1, channelBurst: 3, workspacePerSecond: 20, workspaceBurst: 20 },
  discord: { globalPerSecond: 50, channelLimit: 5, channelWindowMs: 5_000 },
} as const;
