/** Where the overload lines go: the logger's warn. */
type WarnLog = { warn(fields: object, message: string): void };

/**
 * The bound on work behind acks: how many run at once, and how many may wait for a turn before callers are told "busy"
 * (`maxWaiting`) or, for events, refused (`maxWaitingEvents`).
 */
export type WorkLimits = Readonly<{ concurrency: number; maxWaiting: number; maxWaitingEvents: number }>;

/** Commands can be answered "busy"; events (messages, reactions) can only be refused, for Slack to deliver again. */
export type Line = 'command' | 'event';

// At about 2 ms of CPU per command, 64 waiting is a fraction of a second of answers: past it, the caller is better
// told at once to try again than left waiting while the backlog grows.
// Events may wait in a longer line, a second or so of work at about 1 ms each: a refused one comes back only a minute
// later, and Slack sends at most 8 a second per workspace.
export const defaultWorkLimits: WorkLimits = { concurrency: 4, maxWaiting: 64, maxWaitingEvents: 1000 };

/** What a person is told when the line is full: at once, in the ack, never after the work it could not queue. */
export const busyText = 'Weaver is busy right now; please try again in a moment.';

/**
 * Work started after an ack, followed so that stopping (and tests) can wait until it has all finished. Listeners
 * register their work in the same tick as the ack, before the ack can reach whoever sent the request.
 *
 * The work runs a few at a time (`inTurn`). SQLite calls are synchronous, so a command's database work is one long run
 * of microtasks: with many commands in flight at once, Node would not read the next request, let alone ack it, until
 * all of them reached real I/O. A burst beyond what one core can answer then delays acks past Slack's 3 seconds; in
 * turns, acks stay prompt and only the answers (which may come up to 30 minutes later) wait. A turn starts on
 * `setImmediate`, after Node has read (and acked) every request that arrived meanwhile, never inside another's ack.
 * The line is bounded: past `maxWaiting`, `inTurn` runs the caller's busy answer instead, and counts it.
 */
export function createWorkTracker(options: Partial<WorkLimits> & { log?: WarnLog } = {}) {
  const { concurrency, maxWaiting, maxWaitingEvents } = { ...defaultWorkLimits, ...options };
  const running = new Set<Promise<unknown>>();
  const waiting: (() => void)[] = [];
  let active = 0;
  let refused = 0;
  let refusedInEpisode = 0;
  const isFull = (line: Line = 'command') => active + waiting.length >= concurrency + (line === 'event' ? maxWaitingEvents : maxWaiting);
  const refuse = () => {
    // One line when an overload starts and one when it is over: counted, never a line per refused command.
    if (refusedInEpisode++ === 0) options.log?.warn({ running: active, waiting: waiting.length }, 'Overloaded: answering commands busy');
    refused++;
  };
  // A finished turn hands its place to the next in line (so `active` stays), or gives it up.
  const finishTurn = () => {
    const next = waiting.shift();
    if (next) return void setImmediate(next);
    active--;
    if (active === 0 && refusedInEpisode > 0) {
      options.log?.warn({ refused: refusedInEpisode, refusedSinceStart: refused }, 'Overload over: commands were answered busy');
      refusedInEpisode = 0;
    }
  };

  return {
    track<T>(work: Promise<T>): Promise<T> {
      running.add(work);
      void work.then(
        () => running.delete(work),
        () => running.delete(work),
      );
      return work;
    },
    /** Whether a new `inTurn` in that line would be refused: the caller may answer busy in its ack instead. */
    isFull,
    /** Counts a command answered busy without reaching `inTurn` (in its ack). */
    refuse,
    /**
     * Runs `work` in its turn, in the order asked, once fewer than `concurrency` others run; when `maxWaiting` already
     * (or `maxWaitingEvents`) wait, runs `whenBusy` at once instead (counted).
     */
    async inTurn<T>(work: () => Promise<T>, whenBusy: () => Promise<T>, line: Line = 'command'): Promise<T> {
      if (isFull(line)) {
        refuse();
        return whenBusy();
      }
      if (active < concurrency) {
        active++;
        await new Promise<void>((resolve) => setImmediate(resolve));
      } else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await work();
      } finally {
        finishTurn();
      }
    },
    /** Commands answered busy since start, and the work running and waiting now. */
    stats(): Readonly<{ refused: number; running: number; waiting: number }> {
      return { refused, running: active, waiting: waiting.length };
    },
    /** Settles once nothing is running, including work that started while waiting. */
    async waitUntilIdle(): Promise<void> {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

export type WorkTracker = ReturnType<typeof createWorkTracker>;
