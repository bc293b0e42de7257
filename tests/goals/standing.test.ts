import { afterEach, describe, expect, it } from 'vitest';
import { addGoal, createGoalWorld, expectOk, goalLineOf, type GoalWorld } from './support.js';

let world: GoalWorld;
afterEach(async () => world?.close());

// Set on 1 Jan 2027 at 00:00 in London, due by 10 Jan: the due day ends at 11 Jan 00:00, so the goal has ten days.
describe('on track, behind and overdue, by the injected clock', () => {
  it('is on track while progress keeps up with the share of time gone, behind when it falls below', async () => {
    world = await createGoalWorld({ now: '2027-01-01T00:00:00Z' });
    const id = await addGoal(world, 'Articles target:10 by:2027-01-10');
    expect(await goalLineOf(world, id)).toBe(`#${id} Articles: 0 of 10 (0%), by 2027-01-10, on track`);
    world.clock.set('2027-01-03T00:00:00Z'); // 20% of the time gone, nothing done
    expect(await goalLineOf(world, id)).toContain('0 of 10 (0%), by 2027-01-10, behind');
    await expectOk(world, 'ann', `goal log ${id} Two articles count:2`);
    expect(await goalLineOf(world, id)).toContain('2 of 10 (20%), by 2027-01-10, on track');
    world.clock.set('2027-01-06T00:00:00Z'); // 50% gone, 20% done
    expect(await goalLineOf(world, id)).toContain('behind');
    await expectOk(world, 'bob', `goal log ${id} Three more count:3`);
    expect(await goalLineOf(world, id)).toContain('5 of 10 (50%), by 2027-01-10, on track');
  });

  it('is overdue once the due day is over and the target is not reached, and says so in info', async () => {
    world = await createGoalWorld({ now: '2027-01-01T00:00:00Z' });
    const id = await addGoal(world, 'Articles target:10 by:2027-01-10');
    world.clock.set('2027-01-10T23:59:00Z');
    expect(await goalLineOf(world, id)).not.toContain('overdue');
    world.clock.set('2027-01-11T00:00:01Z');
    expect(await goalLineOf(world, id)).toContain('0 of 10 (0%), by 2027-01-10, overdue');
    expect((await expectOk(world, 'ann', 'info outreach')).text).toContain(`#${id} Articles: 0 of 10 (0%), by 2027-01-10, overdue`);
  });

  it('a goal recorded late, with a due date already past, is overdue at once; a reached one never is', async () => {
    world = await createGoalWorld({ now: '2027-03-01T10:00:00Z' });
    const late = await addGoal(world, '"Seminar of 2026" by:2026-12-31');
    expect(await goalLineOf(world, late)).toContain('0 of 1 (0%), by 2026-12-31, overdue');
    await expectOk(world, 'ann', `goal log ${late} Held in November after all`);
    expect(await goalLineOf(world, late)).toContain('1 of 1 (100%), by 2026-12-31, reached');
  });

  it('a goal without a due date says only its progress', async () => {
    world = await createGoalWorld();
    const id = await addGoal(world, 'A network maintained');
    expect(await goalLineOf(world, id)).toBe(`#${id} A network maintained: 0 of 1 (0%)`);
  });

  it('the due date is the end of that day in the community’s time zone', async () => {
    world = await createGoalWorld({ now: '2027-01-01T00:00:00Z' });
    await expectOk(world, 'cora', 'set outreach timezone America/New_York');
    const id = await addGoal(world, 'Articles by:2027-01-10');
    world.clock.set('2027-01-11T03:00:00Z'); // 22:00 on the 10th in New York
    expect(await goalLineOf(world, id)).not.toContain('overdue');
    world.clock.set('2027-01-11T05:01:00Z');
    expect(await goalLineOf(world, id)).toContain('overdue');
  });

  it('closed goals say how they were closed, and move after the open ones', async () => {
    world = await createGoalWorld();
    const first = await addGoal(world, 'One funding bid');
    const second = await addGoal(world, 'A project delivered');
    expect((await expectOk(world, 'cora', `goal close ${first} as:dropped`)).text).toBe(`Closed goal #${first}, One funding bid, as dropped, at 0 of 1 (0%).`);
    const list = (await expectOk(world, 'ann', 'goal list outreach')).text;
    expect(list).toContain('1 open goal, 1 closed');
    expect(list.indexOf(`#${second} `)).toBeLessThan(list.indexOf(`#${first} `));
    expect(list).toContain(`#${first} One funding bid: 0 of 1 (0%), dropped`);
    expect((await world.run('cora', `goal close ${first}`)).text).toBe(`Goal #${first} is already closed (dropped).`);
    expect((await world.run('ann', `goal log ${first} Too late`)).refusal).toBe('GoalClosed');
  });
});

describe('a long list of goals', () => {
  it('shows every open goal and the five most recently closed, and says where the rest are', async () => {
    world = await createGoalWorld();
    const ids: number[] = [];
    for (let i = 1; i <= 8; i++) ids.push(await addGoal(world, `"Goal ${i}"`));
    for (const id of ids.slice(0, 7)) {
      world.clock.advance(60_000);
      await expectOk(world, 'cora', `goal close ${id}`);
    }
    const list = (await expectOk(world, 'ann', 'goal list outreach')).text;
    expect(list).toContain('1 open goal, 7 closed. The 2 not shown are in /cop export outreach.');
    expect(list).toContain(`#${ids[7]} Goal 8`);
    expect(list).toContain(`#${ids[6]} Goal 7`);
    expect(list).not.toContain(`#${ids[1]} Goal 2`);
  });
});
