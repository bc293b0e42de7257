import { afterEach, describe, expect, it } from 'vitest';
import { createPairingWorld } from './world.js';

type World = Awaited<ReturnType<typeof createPairingWorld>>;
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const eight = ['bo', 'cy', 'di', 'ed', 'fay', 'gus', 'hal', 'ivy'];

describe('peer-exchange rounds on schedule', () => {
  it('fires a round at each occurrence, exactly once, and posts one summary', async () => {
    world = await createPairingWorld({ people: eight });
    const set = await world.run('ann', 'pair rhythm outreach weekly mon 09:00');
    expect(set.refusal).toBeUndefined();
    expect(set.text).toContain('weekly on Monday at 09:00 Europe/London, groups of 2; next round Mon 7 Dec 2026, 09:00 GMT');

    await world.tickAt('2026-12-07T08:59:00Z');
    expect(world.fake.groups).toHaveLength(0);
    await world.tickAt('2026-12-07T09:00:00Z');
    expect(world.fake.groups).toHaveLength(4);
    // A second scheduler tick, and a second scheduler, at the same instant: nothing more.
    await world.tickAt('2026-12-07T09:00:30Z');
    expect(world.fake.groups).toHaveLength(4);
    expect(world.fake.posts.filter((p) => p.text.includes('Peer-exchange round'))).toHaveLength(1);
    expect(world.fake.posts.at(-1)!.text).toContain('8 took part in 4 groups.');

    await world.tickAt('2026-12-14T09:00:00Z');
    expect(world.fake.groups).toHaveLength(8);
    const summary = world.fake.posts.filter((p) => p.text.includes('Peer-exchange round')).at(-1)!;
    expect(summary.text).toContain('Last round, 0 of 4 groups met.');
    // Nobody meets the same person two weeks running.
    const firstRound = world.fake.groups.slice(0, 4).map((g) => [...g.users].sort().join('+'));
    for (const group of world.fake.groups.slice(4)) expect(firstRound).not.toContain([...group.users].sort().join('+'));
  });

  it('introduces everyone by tier and about, with a first question and the two buttons', async () => {
    world = await createPairingWorld({ people: ['bo'] });
    await world.run('cy', 'join outreach tier:core');
    await world.run('cy', 'pair join outreach about:"evaluating taster days"');
    const ran = await world.run('ann', 'pair now outreach');
    expect(ran.text).toContain('2 took part in 1 group; 1 introduction sent');
    const [intro] = world.fake.groups;
    expect(intro!.users.sort()).toEqual(['bo', 'cy']);
    expect(intro!.near).toBe('outreach-home');
    expect(intro!.text).toContain('@bo (wider)');
    expect(intro!.text).toContain('@cy (core) — evaluating taster days');
    expect(intro!.text).toContain('A first question: “');
    expect(intro!.reply.buttons.map((b) => b.label)).toEqual(['We met', 'Not this time']);
  });

  it('tells someone alone in the round so, and puts them first next time', async () => {
    world = await createPairingWorld({ people: ['bo'] });
    const ran = await world.run('ann', 'pair now outreach');
    expect(ran.text).toContain('1 took part in 0 groups');
    expect(ran.text).toContain('1 person was alone in their workspace and told so');
    expect(world.fake.dms.find((dm) => dm.userId === 'bo')!.text).toContain('first in line next round');
  });

  it('groups of three and four with nobody left out', async () => {
    world = await createPairingWorld({ people: [...eight, 'jo', 'kim'] });
    await world.run('ann', 'pair rhythm outreach weekly mon 09:00 size:4');
    await world.run('ann', 'pair now outreach');
    expect(world.fake.groups.map((g) => g.users.length).sort()).toEqual([3, 3, 4]);
    expect(world.fake.groups.flatMap((g) => g.users).sort()).toEqual([...eight, 'jo', 'kim'].sort());
  });
});

describe('opting in and out', () => {
  it('only members may opt in, and the refusal says how to join', async () => {
    world = await createPairingWorld();
    const refused = await world.run('zed', 'pair join outreach');
    expect(refused.refusal).toBe('NotMember');
    expect(refused.text).toContain('/cop join outreach');
    expect((await world.run('zed', 'pair join outreach role:boss')).text).toContain(
      'Usage: /cop pair join <community> [role:peer|mentor|mentee] [about:<text>]',
    );
  });

  it('pause sits out the next rounds, then you are back', async () => {
    world = await createPairingWorld({ people: ['bo', 'cy', 'di'] });
    expect((await world.run('di', 'pair pause outreach rounds:1')).text).toContain('sit out the next round');
    await world.run('ann', 'pair now outreach');
    expect(world.fake.groups.flatMap((g) => g.users).sort()).toEqual(['bo', 'cy']);
    world.clock.advance(60_000);
    await world.run('ann', 'pair now outreach');
    expect(
      world.fake.groups
        .slice(1)
        .flatMap((g) => g.users)
        .sort(),
    ).toEqual(['bo', 'cy', 'di']);
  });

  it('pair leave, and leaving the community, take you out of its rounds', async () => {
    world = await createPairingWorld({ people: ['bo', 'cy', 'di', 'ed'] });
    expect((await world.run('di', 'pair leave outreach')).text).toContain('You are out of the STEM Outreach peer exchange');
    await world.run('ed', 'leave outreach');
    await world.run('ann', 'pair now outreach');
    expect(world.fake.groups.flatMap((g) => g.users).sort()).toEqual(['bo', 'cy']);
    expect((await world.run('ed', 'pair leave outreach')).refusal).toBe('NotInPairing');
  });

  it('me forget removes pairing history; the others keep theirs', async () => {
    world = await createPairingWorld({ people: ['bo', 'cy'] });
    await world.run('ann', 'pair now outreach');
    expect((await world.run('bo', 'pair list')).text).toContain('@cy');
    const confirm = await world.run('cy', 'me forget');
    const button = confirm.buttons.find((b) => b.command.includes('forget'))!;
    const forgotten = await world.run('cy', button.command);
    expect(forgotten.text).toContain('everything Weaver stored about you is deleted');
    const count = await world.db
      .selectFrom('pair_group_member')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    expect(await world.db.selectFrom('pair_participant').selectAll().execute()).toHaveLength(1);
    expect((await world.run('bo', 'pair list')).text).toContain('people who have since left');
  });
});

describe('outcomes and reminders', () => {
  it('the buttons record whether the group met; others cannot answer for it', async () => {
    world = await createPairingWorld({ people: ['bo', 'cy'] });
    await world.run('ann', 'pair now outreach');
    const [met, notThisTime] = world.fake.groups[0]!.reply.buttons;
    expect((await world.run('di', met!.command)).refusal).toBe('NotInGroup');
    const said = await world.run('bo', met!.command);
    expect(said.text).toContain('Glad you met!');
    expect(said.buttons.map((b) => b.label)).toEqual(['Share what we learned']);
    expect((await world.run('cy', 'pair list community:outreach')).text).toContain('@bo · met');
    await world.run('cy', notThisTime!.command);
    expect((await world.run('bo', 'pair list')).text).toContain('did not meet');
  });

  it('halfway to the next round, a group that has not answered gets one reminder in its conversation', async () => {
    world = await createPairingWorld({ people: ['bo', 'cy', 'di', 'ed'] });
    await world.run('ann', 'pair rhythm outreach weekly mon 09:00');
    await world.tickAt('2026-12-07T09:00:00Z');
    const [first, second] = world.fake.groups;
    await world.run(first!.users[0]!, first!.reply.buttons[0]!.command);
    await world.tickAt('2026-12-10T20:59:00Z');
    expect(world.fake.posts.filter((p) => p.text.includes('Halfway'))).toHaveLength(0);
    await world.tickAt('2026-12-10T21:00:00Z');
    await world.tickAt('2026-12-11T09:00:00Z');
    const reminders = world.fake.posts.filter((p) => p.text.includes('Halfway'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.channelId).toBe(second!.conversationId);
    expect(reminders[0]!.reply.buttons.map((b) => b.command)).toEqual(second!.reply.buttons.map((b) => b.command));
  });

  it('stats, digest and export show rounds and how many met', async () => {
    world = await createPairingWorld({ people: ['bo', 'cy', 'di', 'ed'] });
    await world.run('ann', 'pair now outreach');
    await world.run(world.fake.groups[0]!.users[0]!, world.fake.groups[0]!.reply.buttons[0]!.command);
    const stats = await world.run('ann', 'stats outreach');
    expect(stats.text).toContain('Peer exchange: 4 taking part; 1 round in the last 4 weeks, 2 groups, 1 met');
    expect((await world.run('ann', 'digest outreach')).text).toContain('1 round this week: 2 groups, 1 met so far');
    const exported = await world.run('ann', 'export outreach');
    expect(exported.attachment!.content).toContain('## Peer exchange');
    expect(exported.attachment!.content).toContain('2 groups: 1 met, 0 did not, 1 did not say.');
  });
});
