import { describe, expect, test } from 'vitest';
import { createWorkTracker } from '../../src/kernel/work.js';

/** Work that runs until the test lets it finish. */
function heldWork(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  let started!: () => void;
  const began = new Promise<void>((resolve) => (started = resolve));
  const run = async () => {
    log.push(`start ${name}`);
    started();
    await done;
    log.push(`end ${name}`);
    return name;
  };
  return { run, began, finish };
}

describe('the bounded line of work behind acks', () => {
  test('runs `concurrency` at once, queues up to `maxWaiting`, and answers the next one busy at once, counted', async () => {
    const log: string[] = [];
    const warnings: string[] = [];
    const warnLog = { warn: (_fields: unknown, message: string) => void warnings.push(message) };
    const work = createWorkTracker({ concurrency: 1, maxWaiting: 1, log: warnLog });
    const first = heldWork(log, 'first');
    const second = heldWork(log, 'second');
    const busy = async () => 'busy';

    const a = work.inTurn(first.run, busy);
    const b = work.inTurn(second.run, busy);
    expect(work.isFull()).toBe(true);
    expect(await work.inTurn(async () => 'third', busy)).toBe('busy');
    await first.began;
    expect(log).toEqual(['start first']);
    expect(work.stats()).toEqual({ refused: 1, running: 1, waiting: 1 });
    expect(warnings).toEqual(['Overloaded: answering commands busy']);

    first.finish();
    expect(await a).toBe('first');
    await second.began;
    expect(work.isFull()).toBe(false);
    second.finish();
    expect(await b).toBe('second');
    expect(log).toEqual(['start first', 'end first', 'start second', 'end second']);
    expect(work.stats()).toEqual({ refused: 1, running: 0, waiting: 0 });
    expect(warnings).toEqual(['Overloaded: answering commands busy', 'Overload over: commands were answered busy']);
  });

  test('work does not start inside the caller’s own turn of the event loop: acks of requests already read go first', async () => {
    const work = createWorkTracker({ concurrency: 4, maxWaiting: 0, maxWaitingEvents: 0 });
    const order: string[] = [];
    const turn = work.inTurn(
      async () => void order.push('work'),
      async () => void order.push('busy'),
    );
    await Promise.resolve();
    order.push('ack of the next request');
    await turn;
    expect(order).toEqual(['ack of the next request', 'work']);
  });

  test('a refusal counted in an ack (refuse) is counted with the others; the line takes work again once there is room', async () => {
    const work = createWorkTracker({ concurrency: 1, maxWaiting: 0 });
    const held = heldWork([], 'held');
    const running = work.inTurn(held.run, async () => 'busy');
    expect(work.isFull()).toBe(true);
    work.refuse();
    held.finish();
    await running;
    expect(work.isFull()).toBe(false);
    expect(
      await work.inTurn(
        async () => 'ran',
        async () => 'busy',
      ),
    ).toBe('ran');
    expect(work.stats().refused).toBe(1);
  });
});

describe('the line for events', () => {
  test('is longer than the line for commands: an event waits where a command would be answered busy', async () => {
    const work = createWorkTracker({ concurrency: 1, maxWaiting: 0, maxWaitingEvents: 1 });
    const held = heldWork([], 'held');
    const running = work.inTurn(held.run, async () => 'busy');
    expect(work.isFull('command')).toBe(true);
    expect(work.isFull('event')).toBe(false);
    const event = work.inTurn(
      async () => 'event handled',
      async () => 'refused',
      'event',
    );
    expect(work.isFull('event')).toBe(true);
    expect(
      await work.inTurn(
        async () => 'second event',
        async () => 'refused',
        'event',
      ),
    ).toBe('refused');
    held.finish();
    await running;
    expect(await event).toBe('event handled');
  });
});
