import { Readable, Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { manualClock } from '../../src/kernel/clock.js';
import { loadConfig } from '../../src/app/config.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { startWeaver } from '../../src/app/start.js';
import { silentLog, tempDatabasePath } from '../support/harness.js';
import { createRhythmWorld } from '../support/fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('the console', () => {
  it('prints event posts, RSVP updates and prompts as the console platform', async () => {
    const loaded = loadConfig({ DATABASE_PATH: tempDatabasePath(), PUBLIC_URL: 'https://weaver.example/' });
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    let printed = '';
    const output = new Writable({
      write(chunk, _encoding, done) {
        printed += String(chunk);
        done();
      },
    });
    const lines = [
      'create outreach Outreach',
      'link outreach',
      'event create outreach Debrief 2026-12-03 14:00',
      'rsvp 1',
      'prompt now outreach',
      'reminders off',
    ];
    const weaver = await startWeaver(loaded.config, {
      clock: manualClock('2026-11-23T10:00:00Z'),
      log: silentLog,
      console: { input: Readable.from(lines.map((line) => `${line}\n`)), output },
    });
    await weaver.finished;
    await weaver.stop();
    expect(printed).toContain('Created event #1: Debrief on Thu 3 Dec 2026, 14:00 UTC');
    expect(printed).toMatch(/\[message \d+, posted in #general\]\n📅 Debrief · Outreach/);
    expect(printed).toContain('Add to your calendar (.ics) (https://weaver.example/events/1.ics)');
    expect(printed).toMatch(/\[message \d+ in #general, updated\][^[]*\[1\] Yes \(1\)/);
    expect(printed).toContain('💬 Share a practice · Outreach');
    expect(printed).toContain('Event reminders by direct message are off.');
  });
});

describe('the scheduler loop', () => {
  it('arms a single timer however many rhythms there are, for the next due time', async () => {
    const world = await createRhythmWorld({ now: '2026-11-23T10:00:00Z' });
    try {
      await world.run('ann', 'rhythm outreach weekly mon 09:00');
      for (let i = 0; i < 50; i++) {
        await world.run('admin', `create c${i} C${i}`);
        await world.run('admin', `rhythm c${i} weekly tue 09:${String(i).padStart(2, '0')}`);
      }
      vi.useFakeTimers();
      const scheduler = createScheduler(world.services, { owner: 'loop', heartbeatMs: 15_000 });
      scheduler.start();
      await vi.advanceTimersToNextTimerAsync();
      expect(vi.getTimerCount()).toBe(1);
      await scheduler.stop();
      expect(vi.getTimerCount()).toBe(0);
      expect(await world.db.selectFrom('scheduler_lease').selectAll().execute()).toEqual([]);
    } finally {
      await world.close();
    }
  });
});
