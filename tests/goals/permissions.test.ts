import { afterEach, describe, expect, it } from 'vitest';
import { addGoal, createGoalWorld, expectOk, type GoalWorld } from './support.js';

let world: GoalWorld;
afterEach(async () => world?.close());

// Cora coordinates outreach; Ann and Bob are members; Admin is a Weaver admin; Zoe belongs to no community.
describe('who may do what with goals', () => {
  it('goal add: coordinators of that community and admins only', async () => {
    world = await createGoalWorld();
    const refused = await world.run('ann', 'goal add outreach "Recruit 40 members" target:40 measure:members');
    expect(refused.refusal).toBe('NotAllowed');
    expect(refused.text).toBe('Only coordinators of outreach and admins can use /cop goal add.');
    await expectOk(world, 'admin', 'create gardening Gardening');
    await expectOk(world, 'admin', 'coordinator gardening gus');
    expect((await world.run('gus', 'goal add outreach "Not mine"')).refusal).toBe('NotAllowed');
    expect((await expectOk(world, 'cora', 'goal add outreach "Run our yearly seminar"')).text).toContain('Set goal #1 for STEM Outreach');
    expect((await expectOk(world, 'admin', 'goal add outreach "One funding bid"')).text).toContain('Set goal #2 for STEM Outreach');
  });

  it('goal close: coordinators of the goal’s community and admins only', async () => {
    world = await createGoalWorld();
    const first = await addGoal(world, 'A project delivered');
    const second = await addGoal(world, 'A network maintained');
    expect((await world.run('ann', `goal close ${first}`)).text).toBe('Only coordinators of outreach and admins can use /cop goal close.');
    expect((await expectOk(world, 'cora', `goal close ${first}`)).text).toContain('as done');
    expect((await expectOk(world, 'admin', `goal close ${second} as:dropped`)).text).toContain('as dropped');
  });

  it('goal log: members of that community and its coordinators; others are told how to join', async () => {
    world = await createGoalWorld();
    const id = await addGoal(world, 'Blog articles target:5');
    await expectOk(world, 'ann', `goal log ${id} Wider member’s post`);
    await expectOk(world, 'bob', `goal log ${id} Core member’s post`);
    await expectOk(world, 'cora', `goal log ${id} The coordinator’s post`);
    const refused = await world.run('zoe', `goal log ${id} Not a member`);
    expect(refused.refusal).toBe('NotAllowed');
    expect(refused.text).toBe('Only members and coordinators of outreach can log progress on its goals; join with /cop join outreach.');
    await expectOk(world, 'ann', 'leave outreach');
    expect((await world.run('ann', `goal log ${id} After leaving`)).refusal).toBe('NotAllowed');
    expect((await expectOk(world, 'zoe', 'goal list outreach')).text).toContain(`#${id} Blog articles: 3 of 5 (60%)`);
  });

  it('goal list is for everyone, and help lists log under everyone and add under coordinators', async () => {
    world = await createGoalWorld();
    expect((await expectOk(world, 'zoe', 'goal list outreach')).text).toBe(
      'outreach has no goals yet. Coordinators set one with /cop goal add outreach <text>.',
    );
    const help = (await expectOk(world, 'zoe', 'help')).text;
    const everyone = help.slice(help.indexOf('For everyone'), help.indexOf('For coordinators'));
    expect(everyone).toContain('/cop goal list <community>');
    expect(everyone).toContain('/cop goal log <goal> <note> [count:<n>]');
    expect(help.slice(help.indexOf('For coordinators'))).toContain(
      '/cop goal add <community> <text> [target:<n>] [by:<YYYY-MM-DD>] [measure:manual|members|core|practices|answers|events]',
    );
    expect(help.slice(help.indexOf('For coordinators'))).toContain('/cop goal close <goal> [as:done|dropped]');
    expect((await world.run('zoe', 'goal')).text).toContain('“goal” needs one of: list, log, add, close.');
  });
});
