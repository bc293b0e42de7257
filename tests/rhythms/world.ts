import { createScheduler } from '../../src/scheduler/scheduler.js';
import { createTestWorld } from '../support/harness.js';
import { createFakePort } from '../support/recording-port.js';

/** A world with one community, `outreach` (coordinator ann, home channel #outreach-home), on a recording platform. */
export async function createRhythmWorld(options: { now?: string; graceMinutes?: number } = {}) {
  const fake = createFakePort('console');
  const world = await createTestWorld({
    ports: [fake.port],
    now: options.now,
    settings: { publicUrl: 'https://weaver.example', downtimeGraceMs: options.graceMinutes === undefined ? undefined : options.graceMinutes * 60_000 },
  });
  await world.run('admin', 'create outreach "STEM Outreach"');
  await world.run('admin', 'coordinator outreach ann');
  await world.run('ann', 'link outreach', 'outreach-home');
  const scheduler = createScheduler(world.services, { owner: 'test-scheduler' });
  /** Moves the clock to `at` and runs one scheduler step. */
  const tickAt = async (at: string | number) => {
    world.clock.set(at);
    return scheduler.tick();
  };
  return { ...world, fake, scheduler, tickAt };
}
