import { afterEach, describe, expect, it } from 'vitest';
import { addGoal, createGoalWorld, expectOk, type GoalWorld } from './support.js';

let world: GoalWorld;
afterEach(async () => world?.close());

async function exportText(w: GoalWorld): Promise<string> {
  const reply = await expectOk(w, 'cora', 'export outreach');
  return reply.attachment?.content ?? '';
}

describe('goal notes and privacy', () => {
  it('privacy off keeps the notes but never names their author in list, digest or export', async () => {
    world = await createGoalWorld();
    const id = await addGoal(world, 'Blog articles target:3');
    await expectOk(world, 'ann', `goal log ${id} Post on taster days`);
    await expectOk(world, 'bob', `goal log ${id} Post on evaluation`);
    await expectOk(world, 'ann', 'me privacy off');

    const list = (await expectOk(world, 'zoe', 'goal list outreach')).text;
    expect(list).toContain('a member: Post on taster days');
    expect(list).toContain('@bob: Post on evaluation');
    expect(list).not.toContain('@ann');
    expect(list).toContain('2 of 3 (66%)');

    const digest = (await expectOk(world, 'zoe', 'digest outreach')).text;
    expect(digest).toContain('a member: Post on taster days');
    expect(digest).not.toContain('@ann');

    const exported = await exportText(world);
    expect(exported).toContain('a member: Post on taster days');
    expect(exported).toContain('bob: Post on evaluation');
    expect(exported).not.toContain('ann');
  });

  it('me forget removes the member’s notes (and so what they counted); the others stay', async () => {
    world = await createGoalWorld();
    const id = await addGoal(world, 'Blog articles target:3');
    await expectOk(world, 'ann', `goal log ${id} Post on taster days`);
    await expectOk(world, 'bob', `goal log ${id} Post on evaluation`);
    expect((await expectOk(world, 'ann', 'me forget confirm:yes')).text).toContain('Done: everything Weaver stored about you is deleted.');

    const list = (await expectOk(world, 'zoe', 'goal list outreach')).text;
    expect(list).not.toContain('taster days');
    expect(list).toContain('@bob: Post on evaluation');
    expect(list).toContain(`#${id} Blog articles: 1 of 3 (33%)`);
    expect(await exportText(world)).not.toContain('taster days');
    expect(await world.db.selectFrom('goal_note').select('text').execute()).toEqual([{ text: 'Post on evaluation' }]);
  });

  it('a goal set by someone who is forgotten stays, without them', async () => {
    world = await createGoalWorld();
    const id = await addGoal(world, 'Run our yearly seminar');
    await expectOk(world, 'cora', 'me forget confirm:yes');
    expect((await expectOk(world, 'zoe', 'goal list outreach')).text).toContain(`#${id} Run our yearly seminar: 0 of 1 (0%)`);
    expect((await world.db.selectFrom('goal').select('created_by').executeTakeFirstOrThrow()).created_by).toBeNull();
  });
});
