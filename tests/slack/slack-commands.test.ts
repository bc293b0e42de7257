import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { buttonsOf, people, rooms, startSlackWorld, textOf, type SlackBlock, type SlackWorld } from './slack-world.js';

let world: SlackWorld;
beforeAll(async () => {
  world = await startSlackWorld();
});
afterAll(async () => world?.close());

// One story on one running Weaver: each test builds on the communities the earlier ones made.
// Each test starts from an empty database and builds what it needs with the given… steps below.
beforeEach(async () => world.reset());

/** outreach (by a workspace admin, with a domain), gardening (by the owner) and cooking (by a WEAVER_ADMINS admin). */
async function givenThreeCommunities(): Promise<void> {
  await world.ask(people.admin, 'create outreach “STEM Outreach” domain:"Reaching new audiences"');
  await world.ask(people.owner, 'create gardening Gardening');
  await world.ask(people.weaverAdmin, 'create cooking Cooking');
}

/** The three communities, with bob a coordinator of outreach. */
async function givenBobCoordinatesOutreach(): Promise<void> {
  await givenThreeCommunities();
  await world.ask(people.admin, 'coordinator outreach <@U0BOB|bob>');
}

describe('/cop on Slack, through the real Bolt app', () => {
  test('acknowledges with an empty 200 and answers help ephemerally through response_url', async () => {
    const sent = await world.cop(people.ann, 'help');
    expect(sent.ack.status).toBe(200);
    expect(await sent.ack.text()).toBe('');
    const answer = await sent.answer();
    expect(answer.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(textOf(answer)).toContain('/cop join <community> [tier:core|wider]');
    expect((answer.body.blocks as SlackBlock[])[0]).toMatchObject({ type: 'section' });
  });

  test('create is refused to a member and allowed to workspace admins, owners and WEAVER_ADMINS', async () => {
    expect(textOf(await world.ask(people.ann, 'create outreach "STEM Outreach"'))).toBe('Only Weaver admins can use /cop create.');
    expect(textOf(await world.ask(people.admin, 'create outreach “STEM Outreach” domain:"Reaching new audiences"'))).toContain(
      'Created STEM Outreach (outreach), status potential.',
    );
    expect(textOf(await world.ask(people.owner, 'create gardening Gardening'))).toContain('Created Gardening (gardening)');
    expect(textOf(await world.ask(people.weaverAdmin, 'create cooking Cooking'))).toContain('Created Cooking (cooking)');
  });

  test('list names every community', async () => {
    await givenThreeCommunities();
    const text = textOf(await world.ask(people.bob, 'list'));
    expect(text).toContain('3 communities');
    expect(text).toContain('STEM Outreach (outreach)');
    expect(text).toContain('Reaching new audiences');
  });

  test('info is rendered as sections with fields and Join buttons, and a click joins as the one who clicked', async () => {
    await givenThreeCommunities();
    const info = await world.ask(people.bob, 'info outreach');
    const blocks = info.body.blocks as (SlackBlock & { fields?: { text: string }[] })[];
    expect(blocks.find((block) => block.fields)?.fields?.map((field) => field.text)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\*Status\*\npotential/), expect.stringMatching(/^\*Members\*\n0 core, 0 wider/)]),
    );
    const buttons = buttonsOf(info);
    expect(buttons).toEqual([
      { action_id: 'cop_button_0', value: 'join outreach', text: 'Join' },
      { action_id: 'cop_button_1', value: 'join outreach tier:core', text: 'Join as core' },
    ]);

    const click = await world.click(people.ann, buttons[0]!);
    expect(click.ack.status).toBe(200);
    const answer = await click.answer();
    expect(answer.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(textOf(answer)).toContain('Welcome to STEM Outreach! You joined as a wider member.');
    expect(textOf(await world.ask(people.bob, 'members outreach'))).toContain('@ann');
  });

  test('set is for coordinators and admins; coordinator takes Slack’s escaped mention', async () => {
    await givenThreeCommunities();
    expect(textOf(await world.ask(people.bob, 'set outreach status launched'))).toBe('Only coordinators of outreach and admins can use /cop set.');
    expect(textOf(await world.ask(people.admin, 'set outreach status launched'))).toContain('outreach: status is now “launched”.');

    const added = await world.ask(people.admin, 'coordinator outreach <@U0BOB|bob>');
    expect(textOf(added)).toBe('@bob is now a coordinator of STEM Outreach.');
    expect(JSON.stringify(added.body.blocks)).toContain('<@U0BOB>');
    // Slack sends what was typed with &, < and > as entities.
    expect(textOf(await world.ask(people.bob, 'set outreach domain Reaching &lt;new&gt; &amp; wider audiences'))).toContain(
      'domain is now “Reaching <new> & wider audiences”',
    );
    const info = await world.ask(people.bob, 'info outreach');
    expect(JSON.stringify(info.body.blocks)).toContain('Reaching &lt;new&gt; &amp; wider audiences');
  });

  test('link in a public channel the bot is not in joins it and posts the news in the channel', async () => {
    await givenBobCoordinatesOutreach();
    const sent = await world.cop(people.bob, 'link outreach', rooms.outreach);
    expect(sent.ack.status).toBe(200);
    const posted = await world.fake.waitForCall('chat.postMessage', (call) => call.params.channel === rooms.outreach.id);
    expect(textOf(posted)).toContain('#outreach is now the home channel of STEM Outreach');
    expect(JSON.stringify(posted.params.blocks)).toContain(`<#${rooms.outreach.id}>`);
    expect(world.fake.callsTo('conversations.join').map((call) => call.params.channel)).toEqual([rooms.outreach.id]);
    expect(textOf(await world.ask(people.ann, 'info outreach'))).toContain('#outreach (slack)');
  });

  test('link in a private channel the bot cannot see says to invite it first', async () => {
    await givenBobCoordinatesOutreach();
    const answer = await world.ask(people.bob, 'link outreach', rooms.secret);
    expect(answer.body.response_type).toBe('ephemeral');
    expect(textOf(answer)).toBe('Invite me first: /invite @Weaver in that channel, then run /cop link again.');
    expect(world.fake.callsTo('conversations.join').some((call) => call.params.channel === rooms.secret.id)).toBe(false);
  });

  test('link in an archived channel explains why not', async () => {
    await givenThreeCommunities();
    expect(textOf(await world.ask(people.admin, 'link cooking', rooms.archived))).toContain('archived');
  });

  test('join, mine, members and leave', async () => {
    await givenThreeCommunities();
    await world.ask(people.ann, 'join outreach');
    expect(textOf(await world.ask(people.carol, 'join outreach tier:core'))).toContain('You joined as a core member');
    expect(textOf(await world.ask(people.carol, 'join gardening tier:core'))).toContain('You are already core in outreach');
    expect(textOf(await world.ask(people.carol, 'mine'))).toMatch(/outreach.*core/s);
    const members = textOf(await world.ask(people.ann, 'members outreach'));
    expect(members).toContain('@carol');
    expect(members).toContain('@ann');
    expect(textOf(await world.ask(people.ann, 'leave outreach'))).toContain('You left STEM Outreach.');
    expect(textOf(await world.ask(people.ann, 'leave outreach'))).toContain('You are not a member of outreach');
    // users.info is asked once per person, then remembered for a few minutes.
    expect(world.fake.callsTo('users.info').filter((call) => call.params.user === people.carol.id)).toHaveLength(1);
  });

  test('share records a practice in the community’s repertoire', async () => {
    await givenThreeCommunities();
    await world.ask(people.bob, 'join outreach tier:core');
    const answer = await world.ask(
      people.bob,
      'share outreach We ran a taster day with &lt;b&gt;local&lt;/b&gt; schools, see <https://example.org/taster|example.org/taster>',
    );
    expect(answer.body.response_type).toBe('ephemeral');
    const stored = await world.weaver.services.db.selectFrom('practice').select('text').execute();
    expect(stored.map((row) => row.text)).toEqual(['We ran a taster day with <b>local</b> schools, see https://example.org/taster']);
  });

  test('a mistake gets one sentence and the usage', async () => {
    expect(textOf(await world.ask(people.ann, 'frobnicate'))).toBe('“frobnicate” is not a Weaver command; /cop help lists them all.');
    expect(textOf(await world.ask(people.ann, 'join'))).toBe('<community> is missing. Usage: /cop join <community> [tier:core|wider]');
  });

  test('the Harvest answer shortcut is acknowledged and answered even when there is nothing to harvest', async () => {
    const sent = await world.harvest(people.ann, { ts: '1763892000.000900', user: people.bob.id, text: 'Try the library', thread_ts: '1763892000.000800' });
    expect(sent.ack.status).toBe(200);
    const answer = await sent.answer();
    expect(answer.body.response_type).toBe('ephemeral');
    expect(textOf(answer)).toMatch(/not a reply in a question thread|not a community’s home channel/);
  });

  test('GET /healthz answers on the same port as the request URL', async () => {
    const health = await fetch(`${world.base}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
  });
});

describe('when Slack is slow or failing', () => {
  test('a held users.info call does not hold the ack: the answer follows once Slack answers', async () => {
    const gate = world.fake.hold('users.info');
    const sent = await world.cop(people.slow, 'mine');
    expect(sent.ack.status).toBe(200);
    await gate.reached;
    expect(world.fake.responsesTo(sent.responseId)).toEqual([]);
    gate.release();
    expect(textOf(await sent.answer())).toContain('You have not joined any community yet');
  });

  test('a channel reply that chat.postMessage cannot post (HTTP 429) is posted in the channel through response_url', async () => {
    await givenThreeCommunities();
    world.fake.fail('chat.postMessage', { status: 429, retryAfter: 30 });
    const answer = await world.ask(people.owner, 'link gardening');
    expect(answer.body.response_type).toBe('in_channel');
    expect(textOf(answer)).toContain('#general is now the home channel of Gardening');
  });

  test('a rate limit while linking says how long to wait, and trying again works', async () => {
    await givenThreeCommunities();
    world.fake.fail('conversations.info', { status: 429, retryAfter: 7 });
    expect(textOf(await world.ask(people.weaverAdmin, 'link cooking', rooms.busy))).toBe('Slack asked Weaver to slow down; please try again in 7 seconds.');
    expect((await world.cop(people.weaverAdmin, 'link cooking', rooms.busy)).ack.status).toBe(200);
    const posted = await world.fake.waitForCall('chat.postMessage', (call) => call.params.channel === rooms.busy.id);
    expect(textOf(posted)).toContain('#busy is now the home channel of Cooking');
  });

  test('an ok:false error (invalid_auth) while linking is a clear answer, not a stack trace', async () => {
    await givenThreeCommunities();
    world.fake.fail('conversations.info', { error: 'invalid_auth' });
    const text = textOf(await world.ask(people.admin, 'link cooking', rooms.outreach));
    expect(text).toBe('Weaver’s Slack token is no longer accepted; ask a workspace admin to reinstall the app and update SLACK_BOT_TOKEN.');
  });

  test('when users.info fails the caller counts as no admin, and is told so plainly', async () => {
    world.fake.fail('users.info', { error: 'ratelimited' });
    expect(textOf(await world.ask(people.flaky, 'create flaky Flaky'))).toBe('Only Weaver admins can use /cop create.');
  });

  test('when response_url refuses the answer, it comes as an ephemeral message instead', async () => {
    world.fake.fail('respond', { status: 404 });
    const sent = await world.cop(people.ann, 'mine');
    expect(sent.ack.status).toBe(200);
    const ephemeral = await world.fake.waitForCall('chat.postEphemeral', (call) => call.params.user === people.ann.id);
    expect(ephemeral.params.channel).toBe(rooms.general.id);
    expect(textOf(ephemeral)).toContain('You have not joined any community yet');
  });
});
