import type { Platform } from '../kernel/identity.js';

/**
 * How fast a platform accepts posts: Slack about one message per second per channel; Discord per-channel
 * buckets and a global 50 requests per second per bot (we keep some of that for interactions).
 */
export type Pacing = Readonly<{
  perDestinationMs: number;
  /** Requests per second. */
  perSecond: number;
  /** Requests a direct message costs: on Discord, opening the DM channel and then posting. */
  directMessageRequests: number;
}>;

export const platformPacing: Readonly<Record<Platform, Pacing>> = {
  slack: { perDestinationMs: 1000, perSecond: 20, directMessageRequests: 1 },
  discord: { perDestinationMs: 1000, perSecond: 40, directMessageRequests: 2 },
  console: { perDestinationMs: 0, perSecond: Number.POSITIVE_INFINITY, directMessageRequests: 1 },
};

export interface Pacer {
  /** Reserves a send now and returns `now`, or returns the earliest instant this destination may be sent to. */
  reserve(platform: Platform, destination: string, now: number, kind?: 'post' | 'direct-message'): number;
  /** Holds a destination back until `until`, after a rate limit answer. */
  pause(platform: Platform, destination: string, until: number): void;
}

/** In-memory pacing for one sender; the platforms' own 429 answers (retried by the outbox) cover the rest. */
export function createPacer(pacing: Readonly<Record<Platform, Pacing>> = platformPacing): Pacer {
  const nextFree = new Map<string, number>();
  // The instants of the last requests per platform, oldest first: at most `perSecond` in any second, sliding. A window
  // fixed to clock seconds let two bursts meet across a boundary (the end of one second, the start of the next), and
  // a platform counting with a token bucket, as Slack does, answered 429 to the second burst.
  const recent = new Map<Platform, number[]>();
  // Within that, a bucket of half a second's requests, refilled continuously: without it a whole second's budget went
  // out at once, the window then stayed shut for exactly a second, and every tick's own time (and the timer's lateness)
  // was lost from each second, a quarter of the rate on a busy machine. Now each tick sends what has refilled since.
  const buckets = new Map<Platform, { tokens: number; at: number }>();
  return {
    reserve(platform, destination, now, kind = 'post') {
      const rule = pacing[platform];
      // Counted in requests: Discord's DMs are two, and a budget counted in posts overran its global 50 a second, so that
      // discord.js slept through the limit mid-delivery and held back every other platform's posts behind it.
      const cost = kind === 'direct-message' ? rule.directMessageRequests : 1;
      const key = `${platform}:${destination}`;
      const free = nextFree.get(key) ?? 0;
      if (free > now) return free;
      if (Number.isFinite(rule.perSecond)) {
        let sent = recent.get(platform);
        if (!sent) recent.set(platform, (sent = []));
        while (sent.length > 0 && sent[0]! <= now - 1000) sent.shift();
        if (sent.length + cost > rule.perSecond) return sent[sent.length + cost - rule.perSecond - 1]! + 1000;
        const capacity = Math.max(cost, rule.perSecond / 2);
        const bucket = buckets.get(platform) ?? { tokens: capacity, at: now };
        bucket.tokens = Math.min(capacity, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * rule.perSecond);
        bucket.at = Math.max(bucket.at, now);
        buckets.set(platform, bucket);
        if (bucket.tokens < cost) return now + Math.ceil(((cost - bucket.tokens) / rule.perSecond) * 1000);
        bucket.tokens -= cost;
        for (let i = 0; i < cost; i++) sent.push(now);
      }
      nextFree.set(key, now + rule.perDestinationMs);
      return now;
    },
    pause(platform, destination, until) {
      const key = `${platform}:${destination}`;
      nextFree.set(key, Math.max(nextFree.get(key) ?? 0, until));
    },
  };
}
