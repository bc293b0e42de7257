import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestWorld, type TestWorld } from '../support/harness.js';

let world: TestWorld;
beforeEach(async () => {
  world = await createTestWorld();
  await world.run('admin', 'create outreach "STEM Outreach"');
  await world.run('admin', 'create research "Research Leaders"');
});
afterEach(() => world.close());

async function history() {
  return world.db.selectFrom('membership_change').select(['change', 'tier']).orderBy('id').execute();
}

describe('join', () => {
  it('joins as wider by default, and as core when asked', async () => {
    expect((await world.run('ann', 'join outreach')).text).toBe(
      'Welcome to STEM Outreach! You joined as a wider member. See who is here with /cop members outreach.',
    );
    expect((await world.run('bob', 'join outreach core')).text).toContain('You joined as a core member');
    expect((await world.run('ann', 'mine')).text).toBe('You are in 1 community:\n\n  STEM Outreach (outreach): wider member');
  });

  it('refuses a second core community, naming the current one and the command that moves', async () => {
    await world.run('ann', 'join outreach core');
    const reply = await world.run('ann', 'join research tier:core');
    expect(reply.refusal).toBe('CoreLimitReached');
    expect(reply.text).toBe(
      'You are already core in outreach, and a member can be core in one community at a time. To move, run /cop join outreach tier:wider and then /cop join research tier:core; or join research as wider with /cop join research.',
    );
    expect((await world.run('ann', 'join outreach tier:wider')).text).toBe('You are now a wider member of STEM Outreach (you were core).');
    expect((await world.run('ann', 'join research tier:core')).text).toContain('You joined as a core member');
    expect(await history()).toEqual([
      { change: 'joined', tier: 'core' },
      { change: 'tier', tier: 'wider' },
      { change: 'joined', tier: 'core' },
    ]);
  });

  it('follows CORE_LIMIT when it allows more', async () => {
    const roomy = await createTestWorld({ coreLimit: 2 });
    await roomy.run('admin', 'create outreach Outreach');
    await roomy.run('admin', 'create research Research');
    await roomy.run('ann', 'join outreach core');
    expect((await roomy.run('ann', 'join research core')).refusal).toBeUndefined();
    await roomy.close();
  });

  it('says so when nothing changes, and refuses closed communities', async () => {
    await world.run('bob', 'join outreach core');
    expect((await world.run('bob', 'join OUTREACH')).text).toBe('You are already a core member of STEM Outreach.');
    await world.run('ann', 'join outreach');
    expect((await world.run('ann', 'join outreach tier:wider')).text).toBe('You are already a wider member of STEM Outreach.');
    await world.run('admin', 'set research status closed');
    expect((await world.run('ann', 'join research')).refusal).toBe('CommunityClosed');
    expect(await history()).toHaveLength(2);
  });

  it('explains an unknown tier with the usage', async () => {
    expect((await world.run('ann', 'join outreach tier:gold')).text).toBe('“gold” is not one of core, wider. Usage: /cop join <community> [tier:core|wider]');
  });
});

describe('leave, mine and members', () => {
  it('leaves, recording the change, and refuses to leave twice', async () => {
    await world.run('ann', 'join outreach core');
    expect((await world.run('ann', 'leave outreach')).text).toBe('You left STEM Outreach. You can come back any time with /cop join outreach.');
    expect((await world.run('ann', 'leave outreach')).refusal).toBe('NotMember');
    expect((await world.run('ann', 'mine')).text).toContain('You have not joined any community yet');
    expect(await history()).toEqual([
      { change: 'joined', tier: 'core' },
      { change: 'left', tier: null },
    ]);
    expect((await world.run('ann', 'join research core')).refusal).toBeUndefined();
  });

  it('lists core and wider members', async () => {
    await world.run('ann', 'join outreach core');
    await world.run('bob', 'join outreach');
    await world.run('carol', 'join outreach');
    expect((await world.run('dan', 'members outreach')).text).toBe('STEM Outreach has 3 members.\n\nCore members (1)\n@ann\n\nWider members (2)\n@bob, @carol');
  });

  it('keeps identities apart per platform workspace', async () => {
    await world.run('ann', 'join outreach core');
    const members = await world.db.selectFrom('member').select(['platform', 'workspace_id', 'user_id']).where('user_id', '=', 'ann').execute();
    expect(members).toEqual([{ platform: 'console', workspace_id: 'local', user_id: 'ann' }]);
  });
});
