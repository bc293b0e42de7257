import { afterEach, describe, expect, it } from 'vitest';
import { addGoal, createGoalWorld, day, expectOk, type GoalWorld } from './support.js';

let world: GoalWorld;
afterEach(async () => world?.close());

describe('goals in info, stats, the digest and the export', () => {
  it('info names the open goals, one line each; closed goals are not there', async () => {
    world = await createGoalWorld({ now: '2027-01-04T09:00:00Z' });
    expect((await expectOk(world, 'zoe', 'info outreach')).text).toContain('Open goals: none set');
    const seminar = await addGoal(world, '"Run our yearly seminar" by:2027-11-30');
    const members = await addGoal(world, 'Recruit 40 members target:40 measure:members by:2027-12-31');
    const dropped = await addGoal(world, 'Something we gave up');
    await expectOk(world, 'cora', `goal close ${dropped} as:dropped`);
    const info = (await expectOk(world, 'zoe', 'info outreach')).text;
    expect(info).toContain(
      `Open goals: #${seminar} Run our yearly seminar: 0 of 1 (0%), by 2027-11-30, on track\n#${members} Recruit 40 members: 2 of 40 (5%)`,
    );
    expect(info).not.toContain('Something we gave up');
  });

  it('stats shows each open goal’s progress', async () => {
    world = await createGoalWorld();
    const id = await addGoal(world, 'Share 4 practices target:4 measure:practices');
    await expectOk(world, 'ann', 'share outreach Taster days work');
    const stats = (await expectOk(world, 'zoe', 'stats outreach')).text;
    expect(stats).toContain(`Goals (1 open): #${id} Share 4 practices: 1 of 4 (25%)`);
  });

  it('the digest shows what moved this week: progress, notes, goals set, reached or closed; not goals that stood still', async () => {
    world = await createGoalWorld({ now: '2027-01-04T09:00:00Z' });
    const still = await addGoal(world, 'A network maintained');
    const blog = await addGoal(world, 'Blog articles target:3');
    const members = await addGoal(world, 'Recruit 5 members target:5 measure:members');
    const practices = await addGoal(world, 'Share 2 practices target:2 measure:practices');
    await expectOk(world, 'ann', `goal log ${blog} First post`);
    world.clock.advance(8 * day);
    const quiet = (await expectOk(world, 'zoe', 'digest outreach')).text;
    expect(quiet).not.toContain('Goals: what moved');

    await expectOk(world, 'bob', `goal log ${blog} Second and third posts count:2`);
    await expectOk(world, 'carol', 'join outreach');
    await expectOk(world, 'ann', 'share outreach Taster days work');
    await expectOk(world, 'cora', `goal close ${practices} as:dropped`);
    const digest = (await expectOk(world, 'zoe', 'digest outreach')).text;
    expect(digest).toContain('Goals: what moved this week (3)');
    expect(digest).toContain(`• #${blog} Blog articles: 3 of 3 (100%), reached · +2 this week, reached 🎉\n   – @bob (+2): Second and third posts`);
    expect(digest).toContain(`• #${members} Recruit 5 members: 3 of 5 (60%) · +1 this week`);
    expect(digest).toContain(`• #${practices} Share 2 practices: 1 of 2 (50%), dropped · +1 this week, closed as dropped`);
    expect(digest).not.toContain(`#${still} `);
    expect(digest).not.toContain('First post');
  });

  it('the export lists every goal with its progress and all its notes, as escaped Markdown', async () => {
    world = await createGoalWorld({ now: '2027-01-04T09:00:00Z' });
    const id = await addGoal(world, 'Blog *and* newsletter articles target:2 by:2027-12-31');
    await expectOk(world, 'ann', `goal log ${id} Blog post: https://blog.example/eval`);
    world.clock.advance(day);
    await expectOk(world, 'bob', `goal log ${id} # Newsletter piece`);
    const reply = await expectOk(world, 'cora', 'export outreach');
    const exported = reply.attachment?.content ?? '';
    expect(exported).toContain('## Goals (1)');
    expect(exported).toContain(`### \\#${id} Blog \\*and\\* newsletter articles`);
    expect(exported).toContain('- Progress: 2 of 2 (100%), reached');
    expect(exported).toContain('- Set on 4 Jan 2027, due by 2027-12-31');
    expect(exported).toContain('- **4 Jan 2027**, ann: Blog post: https://blog.example/eval\n- **5 Jan 2027**, bob: \\# Newsletter piece');
  });
});
