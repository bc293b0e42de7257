import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commands } from '../../src/commands/index.js';
import { executeText } from '../../src/commands/run.js';
import { renderPlainText } from '../../src/kernel/render-text.js';
import { createTestWorld, type TestWorld } from '../support/harness.js';

let world: TestWorld;
beforeEach(async () => {
  world = await createTestWorld();
});
afterEach(() => world.close());

describe('create', () => {
  it('creates a community with status potential, for admins only', async () => {
    expect((await world.run('ann', 'create outreach "STEM Outreach"')).text).toBe('Only Weaver admins can use /cop create.');
    const created = await world.run('admin', 'create outreach "STEM Outreach" domain:"Reaching new audiences"');
    expect(created.refusal).toBeUndefined();
    const row = await world.db.selectFrom('community').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ slug: 'outreach', name: 'STEM Outreach', domain: 'Reaching new audiences', status: 'potential' });
  });

  it.each(['a', 'x'.repeat(33), 'Outreach', 'out_reach', 'out reach!'])('refuses the slug %j with the rules and the usage', async (slug) => {
    const reply = await world.run('admin', `create "${slug}" Name`);
    expect(reply.refusal).toBe('BadInput');
    expect(reply.text).toMatch(
      /is not a valid slug: use 2 to 32 characters of a-z, 0-9 and -\. Usage: \/cop create <slug> <name> \[domain:<text>\] \[kind:community\|network\]$/,
    );
  });

  it('refuses a slug that is taken', async () => {
    await world.run('admin', 'create outreach Outreach');
    const reply = await world.run('admin', 'create outreach Other');
    expect(reply.refusal).toBe('SlugTaken');
    expect(await world.db.selectFrom('community').select('name').execute()).toEqual([{ name: 'Outreach' }]);
  });
});

describe('set', () => {
  beforeEach(async () => {
    await world.run('admin', 'create outreach Outreach');
  });

  it('lets coordinators and admins change each field, and no one else', async () => {
    expect((await world.run('ann', 'set outreach status launched')).text).toBe('Only coordinators of outreach and admins can use /cop set.');
    await world.run('admin', 'coordinator outreach ann');
    for (const line of [
      'set outreach name STEM Outreach',
      'set outreach domain Reaching new audiences',
      'set outreach sponsor Prof. Ada Lovelace',
      'set outreach status Launched',
      'set outreach timezone America/New_York',
    ]) {
      expect((await world.run('ann', line)).refusal).toBeUndefined();
    }
    const row = await world.db.selectFrom('community').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      name: 'STEM Outreach',
      domain: 'Reaching new audiences',
      sponsor: 'Prof. Ada Lovelace',
      status: 'launched',
      timezone: 'America/New_York',
    });
  });

  it.each([
    ['set outreach status asleep', '“asleep” is not one of potential, preparing, launched, dormant, closed. Usage: /cop set <community> status <value>'],
    ['set outreach timezone Mars/Base', '“Mars/Base” is not an IANA time zone such as Europe/London. Usage: /cop set <community> timezone <value>'],
    [
      'set outreach colour blue',
      '“colour” is not one of name, domain, sponsor, status, timezone, network. Usage: /cop set <community> <field:name|domain|sponsor|status|timezone|network> <value>',
    ],
    [
      'set nowhere name X',
      'There is no community “nowhere”; /cop list shows them all. Usage: /cop set <community> <field:name|domain|sponsor|status|timezone|network> <value>',
    ],
  ])('refuses %j in one sentence with the usage', async (line, text) => {
    expect((await world.run('admin', line)).text).toBe(text);
  });

  it('stores SQL-looking text literally', async () => {
    const hostile = `Robert'); DROP TABLE community;--`;
    await world.run('admin', `set outreach sponsor ${hostile}`);
    expect(await world.db.selectFrom('community').select('sponsor').executeTakeFirst()).toEqual({ sponsor: hostile });
  });
});

describe('link', () => {
  beforeEach(async () => {
    await world.run('admin', 'create outreach Outreach');
    await world.run('admin', 'create research Research');
  });

  it('makes the channel the home channel, posted for the channel to see', async () => {
    const reply = await world.run('admin', 'link outreach', 'outreach-chat');
    expect(reply.visibility).toBe('channel');
    expect(reply.text).toBe('#outreach-chat is now the home channel of Outreach: prompts, events and digests will be posted here.');
    expect((await world.run('ann', 'info outreach')).text).toContain('Home channels: #outreach-chat (console)');
  });

  it('moves the home channel within a workspace, and refuses a channel that is home to another community', async () => {
    await world.run('admin', 'link outreach', 'first');
    expect((await world.run('admin', 'link outreach', 'second')).text).toContain('(it was #first)');
    expect(await world.db.selectFrom('home_channel').select('channel_id').execute()).toEqual([{ channel_id: 'second' }]);
    const taken = await world.run('admin', 'link research', 'second');
    expect(taken.refusal).toBe('ChannelTaken');
    expect(taken.text).toBe('#second is already the home channel of outreach; use another channel for research.');
  });

  it('needs a channel', async () => {
    expect((await world.run('admin', 'link outreach', null)).refusal).toBe('NoChannel');
  });
});

describe('coordinator', () => {
  beforeEach(async () => {
    await world.run('admin', 'create outreach Outreach');
  });

  it('adds and removes coordinators, who may then add others', async () => {
    expect((await world.run('admin', 'coordinator outreach @ann')).text).toBe('@ann is now a coordinator of Outreach.');
    expect((await world.run('ann', 'coordinator outreach <@bob|bob>')).text).toBe('@bob is now a coordinator of Outreach.');
    expect((await world.run('ann', 'info outreach')).text).toContain('Coordinators: @ann, @bob');
    expect((await world.run('ann', 'coordinator outreach bob action:remove')).text).toBe('@bob is no longer a coordinator of Outreach.');
    expect((await world.run('bob', 'coordinator outreach carol')).refusal).toBe('NotAllowed');
    expect((await world.run('ann', 'coordinator outreach carol remove')).refusal).toBe('NotCoordinator');
  });
});

describe('coordinator on a platform', () => {
  it('takes a mention, never a bare name that would make up a member', async () => {
    await world.run('admin', 'create outreach Outreach');
    const onSlack = (line: string) =>
      executeText(world.services, commands, { caller: { user: { platform: 'slack', workspaceId: 'T1', userId: 'U0ADMIN' }, isPlatformAdmin: true } }, line);
    expect((await onSlack('coordinator outreach ann')).refusal).toBe('BadInput');
    expect(renderPlainText(await onSlack('coordinator outreach ann'))).toMatch(/^“ann” is not a user; mention them, like @ann\./);
    expect((await onSlack('coordinator outreach <@U0ANN|ann>')).refusal).toBeUndefined();
    expect(await world.db.selectFrom('member').select('user_id').where('platform', '=', 'slack').orderBy('user_id').execute()).toEqual([{ user_id: 'U0ANN' }]);
  });
});

describe('list and info', () => {
  it('says how to start when there are no communities', async () => {
    expect((await world.run('ann', 'list')).text).toBe('There are no communities yet. An admin can start one with /cop create <slug> <name>.');
  });

  it('lists each community with status, first line of domain, counts and home channels', async () => {
    await world.run('admin', 'create outreach "STEM Outreach" domain:"Reaching new audiences\nSecond line"');
    await world.run('admin', 'link outreach', 'outreach');
    await world.run('ann', 'join outreach core');
    await world.run('bob', 'join outreach');
    await world.run('carol', 'join outreach');
    const text = (await world.run('ann', 'list')).text;
    expect(text).toContain('STEM Outreach (outreach)\npotential · Reaching new audiences\n1 core · 2 wider · #outreach (console)');
    expect(text).not.toContain('Second line');
  });

  it('shows a community with Join buttons that run the join command', async () => {
    await world.run('admin', 'create outreach Outreach');
    const reply = await world.run('ann', 'info outreach');
    expect(reply.buttons.map((b) => b.command)).toEqual(['join outreach', 'join outreach tier:core']);
    expect((await world.run('ann', reply.buttons[1]!.command)).text).toContain('You joined as a core member');
    // A core member who clicks Join stays core.
    expect((await world.run('ann', reply.buttons[0]!.command)).text).toBe('You are already a core member of Outreach.');
  });
});
