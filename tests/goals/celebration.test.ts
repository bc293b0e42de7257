import { afterEach, describe, expect, it } from 'vitest';
import { linkHomeChannel } from '../../src/communities/communities.js';
import { celebrateIfReached, celebrateReachedGoals } from '../../src/goals/celebrate.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { createTestWorld, newTestDatabase, type TestWorld } from '../support/harness.js';
import { createRecordingPort } from '../support/recording-port.js';
import { addGoal, celebrations, createGoalWorld, expectOk, type GoalWorld } from './support.js';

let world: GoalWorld;
let other: TestWorld | undefined;
afterEach(async () => {
  await other?.close();
  other = undefined;
  await world?.close();
});

const celebrationRows = (w: TestWorld) => w.db.selectFrom('outbox').selectAll().where('key', 'like', 'goal-reached:%').execute();

describe('reaching the target posts one celebration in the home channel', () => {
  it('a manual goal is celebrated when the note that reaches it is logged, and never again', async () => {
    world = await createGoalWorld();
    const id = await addGoal(world, 'Blog and newsletter articles target:2');
    await expectOk(world, 'ann', `goal log ${id} Blog post`);
    expect(celebrations(world)).toEqual([]);
    const reached = await expectOk(world, 'bob', `goal log ${id} Newsletter article`);
    expect(reached.text).toContain('now 2 of 2 (100%). Target reached! 🎉 Celebration: posted in #general.');
    expect(celebrations(world)).toHaveLength(1);
    expect(celebrations(world)[0]).toMatchObject({ channelId: 'general' });
    expect(celebrations(world)[0]!.text).toContain(`Goal reached · STEM Outreach\n#${id} Blog and newsletter articles: 2 of 2 (100%). Well done, everyone!`);
    await expectOk(world, 'ann', `goal log ${id} A third one`);
    expect(celebrations(world)).toHaveLength(1);
  });

  it('a measured goal is celebrated by the scheduler once, even when progress dips and rises again', async () => {
    world = await createGoalWorld();
    const id = await addGoal(world, 'Recruit 3 members target:3 measure:members');
    const scheduler = createScheduler(world.services, { owner: 'one' });
    await scheduler.tick();
    expect(celebrations(world)).toEqual([]);
    await expectOk(world, 'carol', 'join outreach');
    await scheduler.tick();
    expect(celebrations(world)).toHaveLength(1);
    expect(celebrations(world)[0]!.text).toContain(`#${id} Recruit 3 members: 3 of 3 (100%)`);

    await expectOk(world, 'carol', 'leave outreach');
    world.clock.advance(60_000);
    await scheduler.tick();
    await expectOk(world, 'carol', 'join outreach');
    await expectOk(world, 'dave', 'join outreach');
    world.clock.advance(60_000);
    await scheduler.tick();
    expect(celebrations(world)).toHaveLength(1);
    expect(await celebrationRows(world)).toHaveLength(1);
  });

  it('two schedulers on one database post it once, and so do two checks racing without the lease', async () => {
    const databasePath = await newTestDatabase();
    world = await createGoalWorld({ databasePath });
    const secondPort = createRecordingPort('console');
    other = await createTestWorld({ databasePath, ports: [secondPort.port] });
    const id = await addGoal(world, 'Share 2 practices target:2 measure:practices');
    await expectOk(world, 'ann', 'share outreach Taster days');
    await expectOk(world, 'bob', 'share outreach Ask the teachers');

    const [first, second] = [createScheduler(world.services, { owner: 'a' }), createScheduler(other.services, { owner: 'b' })];
    expect((await first.tick()).leader).toBe(true);
    expect((await second.tick()).leader).toBe(false);
    // The first process dies; once its lease lapses, the second leads and runs the goal job again.
    world.clock.advance(5 * 60_000);
    other.clock.advance(5 * 60_000);
    expect((await second.tick()).leader).toBe(true);
    expect([...world.console.posts, ...secondPort.posts].filter((post) => post.text.includes('Goal reached'))).toHaveLength(1);
    expect(await celebrationRows(world)).toHaveLength(1);

    // Two processes that both read the goal before either marked it: the claim in its row lets one through.
    world.clock.advance(60_000);
    other.clock.advance(60_000);
    const another = await addGoal(world, 'Share 1 practice measure:practices');
    const stale = await world.db.selectFrom('goal').selectAll().where('id', '=', another).executeTakeFirstOrThrow();
    await expectOk(world, 'ann', 'share outreach One more');
    const fromFirst = await world.db.transaction().execute((trx) => celebrateIfReached(trx, stale, 1, world.clock.now()));
    const fromSecond = await other.db.transaction().execute((trx) => celebrateIfReached(trx, stale, 1, other!.clock.now()));
    expect(fromFirst).toEqual([`goal-reached:${another}:console:local:general`]);
    expect(fromSecond).toEqual([]);
    expect(await celebrateReachedGoals(other.services, other.clock.now())).toEqual([]);
    expect(id).toBeLessThan(another);
  });

  it('each home channel gets its own celebration, once', async () => {
    const slack = createRecordingPort('slack');
    world = await createGoalWorld({ ports: [slack.port] });
    await linkHomeChannel(world.db, world.community, { platform: 'slack', workspaceId: 'T1', channelId: 'C1', name: 'outreach' }, world.clock.now());
    const id = await addGoal(world, 'One funding bid');
    await expectOk(world, 'ann', `goal log ${id} Bid sent to the research council`);
    expect(celebrations(world)).toHaveLength(1);
    expect(slack.posts.filter((post) => post.text.includes('Goal reached'))).toHaveLength(1);
    expect((await celebrationRows(world)).map((row) => row.key).sort()).toEqual([`goal-reached:${id}:console:local:general`, `goal-reached:${id}:slack:T1:C1`]);
  });

  it('a measured goal already met when it is set is celebrated at once; a closed goal is not celebrated', async () => {
    world = await createGoalWorld();
    const met = await expectOk(world, 'cora', 'goal add outreach "Two members to start" target:2 measure:members');
    expect(met.text).toContain('Celebration: posted in #general.');
    expect(celebrations(world)).toHaveLength(1);
    const closed = await addGoal(world, 'Four members target:4 measure:members');
    await expectOk(world, 'cora', `goal close ${closed} as:dropped`);
    await expectOk(world, 'carol', 'join outreach');
    await expectOk(world, 'dave', 'join outreach');
    await createScheduler(world.services).tick();
    expect(celebrations(world)).toHaveLength(1);
  });

  it('without a home channel the reply says where celebrations would go', async () => {
    world = await createGoalWorld();
    await expectOk(world, 'admin', 'create gardening Gardening');
    await expectOk(world, 'admin', 'goal add gardening "Plant a tree"');
    await expectOk(world, 'admin', 'join gardening');
    const id = Number(/#(\d+)/.exec((await expectOk(world, 'ann', 'goal list gardening')).text)?.[1]);
    const reached = await expectOk(world, 'admin', `goal log ${id} Planted an oak`);
    expect(reached.text).toContain('Target reached! 🎉 Link a home channel with /cop link gardening so that reached goals are celebrated there.');
  });
});
