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
  const windows = new Map<Platform, { start: number; count: number }>();
  return {
    reserve(platform, destination, now, kind = 'post') {
      const rule = pacing[platform];
      // Counted in requests: Discord's DMs are two, and a budget counted in posts overran its global 50 a second, so that
      // discord.js slept through the limit mid-delivery and held back every other platform's posts behind it.
      const cost = kind === 'direct-message' ? rule.directMessageRequests : 1;
      const key = `${platform}:${destination}`;
      const free = nextFree.get(key) ?? 0;
      if (free > now) return free;
      const windowStart = Math.floor(now / 1000) * 1000;
      const window = windows.get(platform);
      const count = window?.start === windowStart ? window.count : 0;
      if (count + cost > rule.perSecond) return windowStart + 1000;
      windows.set(platform, { start: windowStart, count: count + cost });
      nextFree.set(key, now + rule.perDestinationMs);
      return now;
    },
    pause(platform, destination, until) {
      const key = `${platform}:${destination}`;
      nextFree.set(key, Math.max(nextFree.get(key) ?? 0, until));
    },
  };
}
