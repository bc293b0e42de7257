/**
 * Work started after an ack, followed so that stopping (and tests) can wait until it has all finished. Listeners
 * register their work in the same tick as the ack, before the ack can reach whoever sent the request.
 *
 * The work runs a few at a time (`inTurn`). SQLite calls are synchronous, so a command's database work is one long run
 * of microtasks: with many commands in flight at once, Node would not read the next request, let alone ack it, until
 * all of them reached real I/O. A burst beyond what one core can answer then delays acks past Slack's 3 seconds; in
 * turns, acks stay prompt and only the answers (which may come up to 30 minutes later) wait.
 */
export function createWorkTracker(options: { concurrency?: number } = {}) {
  const concurrency = options.concurrency ?? 4;
  const running = new Set<Promise<unknown>>();
  const waiting: (() => void)[] = [];
  let active = 0;
  return {
    track<T>(work: Promise<T>): Promise<T> {
      running.add(work);
      void work.then(
        () => running.delete(work),
        () => running.delete(work),
      );
      return work;
    },
    /** Runs `work` once fewer than `concurrency` others are running, in the order they asked. */
    async inTurn<T>(work: () => Promise<T>): Promise<T> {
      if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
      active++;
      try {
        return await work();
      } finally {
        active--;
        waiting.shift()?.();
      }
    },
    /** Settles once nothing is running, including work that started while waiting. */
    async waitUntilIdle(): Promise<void> {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

export type WorkTracker = ReturnType<typeof createWorkTracker>;
