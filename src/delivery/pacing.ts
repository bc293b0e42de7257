import type { Platform } from '../kernel/identity.js';

/**
 * How fast a platform accepts posts: Slack about one message per second per channel; Discord per-channel
 * buckets and a global 50 requests per second per bot (we keep some of that for interactions).
 */
export type Pacing = Readonly<{
  perDestinationMs: number;
  /** Requests per second, refilled continuously. */
  perSecond: number;
  /** Requests that may go at once when the budget is full (a token bucket's capacity). */
  burst: number;
  /** Requests in any one second, sliding: for a platform counting in windows (Discord's global 50), not buckets. */
  inAnySecond: number;
  /** Requests a direct message costs when sent in one go: on Discord, opening the DM channel and then posting. */
  directMessageRequests: number;
}>;

export const platformPacing: Readonly<Record<Platform, Pacing>> = {
  // Slack counts as a bucket: a second's worth at once, then 20 a second (the figure Weaver assumes; Slack gives none).
  slack: { perDestinationMs: 1000, perSecond: 20, burst: 20, inAnySecond: Number.POSITIVE_INFINITY, directMessageRequests: 1 },
  // Discord's global 50 in any second, of which 40 for posts: half a second's worth at once, never 40 + 40 in a second.
  discord: { perDestinationMs: 1000, perSecond: 40, burst: 20, inAnySecond: 40, directMessageRequests: 2 },
  console: { perDestinationMs: 0, perSecond: Number.POSITIVE_INFINITY, burst: 1, inAnySecond: Number.POSITIVE_INFINITY, directMessageRequests: 1 },
};

/**
 * What a reservation is for: a post (or a direct message to a known DM channel), a direct message sent in one go
 * (opened and posted: `directMessageRequests`), or only the opening of a DM channel, one request on the platform's
 * budget that holds no destination back (the post that follows is reserved on its own).
 */
export type PacedRequest = 'post' | 'direct-message' | 'open';

export interface Pacer {
  /** Reserves a send now and returns `now`, or returns the earliest instant this destination may be sent to. */
  reserve(platform: Platform, destination: string, now: number, request?: PacedRequest): number;
  /** Holds a destination back until `until`, after a rate limit answer. */
  pause(platform: Platform, destination: string, until: number): void;
}

/** In-memory pacing for one sender; the platforms' own 429 answers (retried by the outbox) cover the rest. */
export function createPacer(pacing: Readonly<Record<Platform, Pacing>> = platformPacing): Pacer {
  const nextFree = new Map<string, number>();
  // Per platform, a bucket refilled continuously, so that each tick sends what refilled since the last one. A window
  // alone (a second's budget at once, then shut for exactly a second) lost each tick's own time and the timer's
  // lateness from every second: a quarter of the rate on a busy machine.
  const buckets = new Map<Platform, { tokens: number; at: number }>();
  // Where the platform counts in windows, the instants of the last requests, oldest first: at most `inAnySecond` in
  // any second, sliding. A window fixed to clock seconds let two bursts meet across a boundary.
  const recent = new Map<Platform, number[]>();
  return {
    reserve(platform, destination, now, request = 'post') {
      const rule = pacing[platform];
      // Counted in requests: Discord's DMs are two, and a budget counted in posts overran its global 50 a second, so that
      // discord.js slept through the limit mid-delivery and held back every other platform's posts behind it.
      const cost = request === 'direct-message' ? rule.directMessageRequests : 1;
      const key = `${platform}:${destination}`;
      const free = request === 'open' ? 0 : (nextFree.get(key) ?? 0);
      if (free > now) return free;
      if (Number.isFinite(rule.perSecond)) {
        let sent = recent.get(platform);
        if (!sent) recent.set(platform, (sent = []));
        while (sent.length > 0 && sent[0]! <= now - 1000) sent.shift();
        if (sent.length + cost > rule.inAnySecond) return sent[sent.length + cost - rule.inAnySecond - 1]! + 1000;
        const capacity = Math.max(cost, rule.burst);
        const bucket = buckets.get(platform) ?? { tokens: capacity, at: now };
        bucket.tokens = Math.min(capacity, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * rule.perSecond);
        bucket.at = Math.max(bucket.at, now);
        buckets.set(platform, bucket);
        if (bucket.tokens < cost) return now + Math.ceil(((cost - bucket.tokens) / rule.perSecond) * 1000);
        bucket.tokens -= cost;
        if (Number.isFinite(rule.inAnySecond)) for (let i = 0; i < cost; i++) sent.push(now);
      }
      if (request !== 'open') nextFree.set(key, now + rule.perDestinationMs);
      return now;
    },
    pause(platform, destination, until) {
      const key = `${platform}:${destination}`;
      nextFree.set(key, Math.max(nextFree.get(key) ?? 0, until));
    },
  };
}
