import { afterEach, describe, expect, it } from 'vitest';
import { createTestWorld, type TestWorld } from '../support/harness.js';

let world: TestWorld;
afterEach(async () => world?.close());

describe('a network’s goals', () => {
  it('a measured goal of a network counts across its communities', async () => {
    world = await createTestWorld();
    await world.run('admin', 'create outreach "Outreach Network" kind:network');
    await world.run('admin', 'create schools "Schools"');
    await world.run('admin', 'create museums "Museums"');
    await world.run('admin', 'set schools network outreach');
    await world.run('admin', 'set museums network outreach');
    await world.run('ann', 'join schools');
    await world.run('bob', 'join museums tier:core');
    const added = await world.run('admin', 'goal add outreach Recruit across the network target:4 measure:members');
    expect(added.refusal).toBeUndefined();
    expect((await world.run('carol', 'goal list outreach')).text).toContain('2 of 4 (50%)');
    await world.run('carol', 'join schools');
    expect((await world.run('carol', 'goal list outreach')).text).toContain('3 of 4 (75%)');
  });
});
