/** The core asks the clock for the time, never `new Date()`, so that tests can move time by hand. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export function manualClock(start: number | string | Date): Clock & { set(to: number | string | Date): void; advance(ms: number): void } {
  let current = new Date(start).getTime();
  return {
    now: () => current,
    set: (to) => {
      current = new Date(to).getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}
