/**
 * Work started after an ack, followed so that stopping (and tests) can wait until it has all finished. Listeners
 * register their work in the same tick as the ack, before the ack can reach whoever sent the request.
 */
export function createWorkTracker() {
  const running = new Set<Promise<unknown>>();
  return {
    track<T>(work: Promise<T>): Promise<T> {
      running.add(work);
      void work.then(
        () => running.delete(work),
        () => running.delete(work),
      );
      return work;
    },
    /** Settles once nothing is running, including work that started while waiting. */
    async waitUntilIdle(): Promise<void> {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

export type WorkTracker = ReturnType<typeof createWorkTracker>;
