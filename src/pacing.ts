import type { Platform } from './identity.js';

/**
 * How fast a platform accepts posts: Slack about one message per second per channel; Discord per-channel
 * buckets and a global 50 requests per second per bot (we keep some of that for interactions).
 */
export type Pacing = Readonly<{ perDestinationMs: number; perSecond: number }>;

export const platformPacing: Readonly<Record<Platform, Pacing>> = {
  slack: { perDestinationMs: 1000, perSecond: 20 },
  discord: { perDestinationMs: 1000, perSecond: 40 },
  console: { perDestinationMs: 0, perSecond: Number.POSITIVE_INFINITY },
};

export interface Pacer {
  /** Reserves a send now and returns `now`, or returns the earliest instant this destination may be sent to. */
  reserve(platform: Platform, destination: string, now: number): number;
  /** Holds a destination back until `until`, after a rate limit answer. */
  pause(platform: Platform, destination: string, until: number): void;
}

/** In-memory pacing for one sender; the platforms' own 429 answers (retried by the outbox) cover the rest. */
export function createPacer(pacing: Readonly<Record<Platform, Pacing>> = platformPacing): Pacer {
  const nextFree = new Map<string, number>();
  const windows = new Map<Platform, { start: number; count: number }>();
  return {
    reserve(platform, destination, now) {
      const rule = pacing[platform];
      const key = `${platform}:${destination}`;
      const free = nextFree.get(key) ?? 0;
      if (free > now) return free;
      const windowStart = Math.floor(now / 1000) * 1000;
      const window = windows.get(platform);
      const count = window?.start === windowStart ? window.count : 0;
      if (count >= rule.perSecond) return windowStart + 1000;
      windows.set(platform, { start: windowStart, count: count + 1 });
      nextFree.set(key, now + rule.perDestinationMs);
      return now;
    },
    pause(platform, destination, until) {
      const key = `${platform}:${destination}`;
      nextFree.set(key, Math.max(nextFree.get(key) ?? 0, until));
    },
  };
}
