import type { Server } from 'node:http';
import ICAL from 'ical.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpServer, listen } from '../../src/app/http.js';
import { calendarRoutes } from '../../src/events/calendar.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { createRecordingPort } from '../support/recording-port.js';
import { createTestWorld, silentLog, type TestWorld } from '../support/harness.js';

// A network is a community row of kind network; communities point to it. Everything here is typed as a person would.

let world: TestWorld;
let port: ReturnType<typeof createRecordingPort>;
beforeEach(async () => {
  port = createRecordingPort('console');
  // Sunday evening: the first weekly digest falls due on Monday 09:00, London time.
  world = await createTestWorld({ now: '2026-11-29T18:00:00Z', ports: [port.port] });
});
afterEach(async () => world.close());

/** An outreach network of two communities, and a community in no network. */
async function constellation(): Promise<void> {
  expect((await world.run('admin', 'create outreach-net "Outreach Network" domain:"Public engagement across the university" kind:network')).text).toContain(
    'Created the network Outreach Network (outreach-net)',
  );
  await world.run('admin', 'create schools "School Partnerships"');
  await world.run('admin', 'create museums "Museum Nights"');
  await world.run('admin', 'create equity "Equity Research"');
  await world.run('admin', 'coordinator schools sam');
  await world.run('admin', 'coordinator museums mia');
  expect((await world.run('sam', 'set schools network outreach-net')).text).toBe(
    'School Partnerships is now in the Outreach Network network: /cop info outreach-net shows its communities.',
  );
  expect((await world.run('mia', 'set museums network outreach-net')).text).toContain('Museum Nights is now in the Outreach Network network');
}

const networkOf = async (slug: string) =>
  (await world.db.selectFrom('community').select('network_id').where('slug', '=', slug).executeTakeFirstOrThrow()).network_id;
const idOf = async (slug: string) => (await world.db.selectFrom('community').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;

describe('network membership', () => {
  it('only admins create a network; it starts as potential', async () => {
    expect((await world.run('ann', 'create net "A Network" kind:network')).text).toBe('Only Weaver admins can use /cop create.');
    await world.run('admin', 'create net "A Network" kind:network');
    const row = await world.db.selectFrom('community').select(['kind', 'status', 'network_id']).where('slug', '=', 'net').executeTakeFirstOrThrow();
    expect(row).toEqual({ kind: 'network', status: 'potential', network_id: null });
    expect((await world.run('admin', 'create other Other kind:club')).text).toBe(
      '“club” is not one of community, network. Usage: /cop create <slug> <name> [domain:<text>] [kind:community|network]',
    );
  });

  it('coordinators of the community or admins put it in a network; nobody else', async () => {
    await constellation();
    expect((await world.run('ann', 'set equity network outreach-net')).text).toBe('Only coordinators of equity and admins can use /cop set.');
    expect(await networkOf('equity')).toBeNull();
    expect((await world.run('admin', 'set equity network outreach-net')).text).toContain('Equity Research is now in the Outreach Network network');
    expect(await networkOf('equity')).toBe(await idOf('outreach-net'));
  });

  it('a community is in at most one network: joining another moves it', async () => {
    await constellation();
    await world.run('admin', 'create research-net "Research Network" kind:network');
    expect((await world.run('sam', 'set schools network research-net')).text).toBe(
      'School Partnerships is now in the Research Network network (it was in outreach-net): /cop info research-net shows its communities.',
    );
    expect(await networkOf('schools')).toBe(await idOf('research-net'));
    expect((await world.run('sam', 'set schools network research-net')).text).toBe('School Partnerships is already in Research Network.');
    expect((await world.run('sam', 'set schools network none')).text).toBe('School Partnerships is no longer in the Research Network network.');
    expect(await networkOf('schools')).toBeNull();
    expect((await world.run('sam', 'set schools network none')).text).toBe('School Partnerships is in no network.');
  });

  it('refuses a network inside a network, a community as a network, and an unknown network', async () => {
    await constellation();
    await world.run('admin', 'create research-net "Research Network" kind:network');
    expect((await world.run('admin', 'set research-net network outreach-net')).text).toBe(
      'research-net is a network, and a network cannot be put in a network. Usage: /cop set research-net network <network|none>',
    );
    expect((await world.run('sam', 'set schools network equity')).text).toBe(
      'equity is a community, not a network; an admin makes a network with /cop create <slug> <name> kind:network. Usage: /cop set schools network <network|none>',
    );
    expect((await world.run('sam', 'set schools network nowhere')).text).toBe(
      'There is no network “nowhere”; /cop list shows them. Usage: /cop set schools network <network|none>',
    );
    expect(await networkOf('research-net')).toBeNull();
    expect(await networkOf('schools')).toBe(await idOf('outreach-net'));
  });

  it('people join a network’s communities, not the network: join names them', async () => {
    await constellation();
    const reply = await world.run('ann', 'join outreach-net');
    expect(reply.refusal).toBe('BadInput');
    expect(reply.text).toBe(
      'outreach-net is a network, not a community: people join its communities, museums (Museum Nights), schools (School Partnerships). Give one of them. Usage: /cop join <community> [tier:core|wider]',
    );
    expect(await world.db.selectFrom('membership').selectAll().execute()).toEqual([]);
    await world.run('admin', 'create empty-net "Empty" kind:network');
    expect((await world.run('ann', 'join empty-net')).text).toContain('empty-net is a network, not a community, and has no communities yet');
  });

  it('coordinators of a network may do for its communities what their own coordinators may, and help says so', async () => {
    await constellation();
    await world.run('admin', 'coordinator outreach-net nora');
    expect((await world.run('nora', 'set schools status launched')).text).toBe('schools: status is now “launched”.');
    expect((await world.run('nora', 'coordinator museums ned')).text).toContain('is now a coordinator of Museum Nights');
    expect((await world.run('nora', 'event create schools "Open day" 2026-12-10 14:00')).text).toContain('Created event #1');
    expect((await world.run('nora', 'set equity status launched')).text).toBe('Only coordinators of equity and admins can use /cop set.');
    expect((await world.run('ned', 'set schools status dormant')).text).toBe(
      'Only coordinators of schools or of its network outreach-net and admins can use /cop set.',
    );
    // Out of the network, its coordinators lose that say.
    await world.run('sam', 'set schools network none');
    expect((await world.run('nora', 'set schools status dormant')).text).toBe('Only coordinators of schools and admins can use /cop set.');
    expect((await world.run('ann', 'help')).text).toContain('For coordinators of a community or of its network (and admins)');
    expect((await world.run('ann', 'help set')).text).toContain('Who: coordinators of the community, coordinators of its network, and admins.');
    expect((await world.run('ann', 'help coordinator')).text).toContain(
      'Coordinators of a network may do for each of its communities what that community’s own coordinators may.',
    );
  });
});

describe('commands given a network', () => {
  beforeEach(async () => {
    await constellation();
    await world.run('ann', 'join schools tier:core');
    await world.run('bob', 'join museums');
    await world.run('cat', 'join museums');
    await world.run('eve', 'join equity tier:core');
    await world.run('ann', 'share schools Volunteers keep coming back when they get a thank-you postcard.');
    await world.run('bob', 'share museums Volunteers at late openings get a free drink token.');
    await world.run('eve', 'share equity Volunteers from underrepresented groups need paid time.');
  });

  it('list shows networks with their communities, and each community in its network', async () => {
    const text = (await world.run('ann', 'list')).text;
    expect(text).toContain('3 communities and 1 network.');
    expect(text).toContain('Network: Outreach Network (outreach-net)');
    expect(text).toContain('2 communities: museums, schools · 1 core · 2 wider');
    expect(text).toContain('School Partnerships (schools), in outreach-net');
    expect(text).toContain('Equity Research (equity)');
    expect(text.indexOf('Network: Outreach Network')).toBeLessThan(text.indexOf('Museum Nights (museums), in outreach-net'));
  });

  it('info shows the communities with their counts and the next events across them', async () => {
    await world.run('sam', 'event create schools "Open day" 2026-12-10 14:00');
    await world.run('mia', 'event create museums "Late opening" 2026-12-05 19:00');
    await world.run('admin', 'event create equity "Reading group" 2026-12-01 12:00');
    const text = (await world.run('ann', 'info outreach-net')).text;
    expect(text).toContain('Outreach Network (outreach-net), a network of communities.');
    expect(text).toContain('Communities (2)');
    expect(text).toContain('Museum Nights (museums): 0 core, 2 wider');
    expect(text).toContain('School Partnerships (schools): 1 core, 0 wider');
    expect(text).toContain('Members of its communities: 1 core, 2 wider');
    expect(text).toMatch(/#2 Late opening, .*\(museums\)\n#1 Open day, .*\(schools\)/);
    expect(text).not.toContain('Reading group');
    expect((await world.run('ann', 'info schools')).text).toContain('School Partnerships (schools), in the Outreach Network network (outreach-net)');
  });

  it('events, search and who with community: cover all its communities', async () => {
    await world.run('sam', 'event create schools "Open day" 2026-12-10 14:00');
    await world.run('mia', 'event create museums "Late opening" 2026-12-05 19:00');
    await world.run('admin', 'event create equity "Reading group" 2026-12-01 12:00');
    const events = (await world.run('ann', 'events community:outreach-net')).text;
    expect(events).toContain('2 upcoming events');
    expect(events).toContain('Late opening (museums)');
    expect(events).toContain('Open day (schools)');
    expect(events).not.toContain('Reading group');

    const found = (await world.run('ann', 'search volunteers community:outreach-net')).text;
    expect(found).toContain('Best 2 matches for “volunteers” in outreach-net');
    expect(found).toContain('thank-you postcard');
    expect(found).toContain('free drink token');
    expect(found).not.toContain('paid time');

    const who = (await world.run('ann', 'who volunteers community:outreach-net')).text;
    expect(who).toContain('@ann');
    expect(who).toContain('@bob');
    expect(who).not.toContain('@eve');
  });

  it('digest and stats cover all its communities', async () => {
    const digest = (await world.run('ann', 'digest outreach-net')).text;
    expect(digest).toContain('Outreach Network: the last 7 days across its 2 communities');
    expect(digest).toContain('School Partnerships (schools)');
    expect(digest).toContain('1 practice shared');
    expect(digest).toContain('thank-you postcard');
    expect(digest).toContain('Museum Nights (museums)');
    expect(digest).toContain('free drink token');
    expect(digest).not.toContain('paid time');

    const stats = (await world.run('ann', 'stats outreach-net')).text;
    expect(stats).toContain('Outreach Network in numbers (the network and all its communities):');
    expect(stats).toContain('Members: 1 core, 2 wider');
    expect(stats).toContain('Practices shared: 2 in all');
    expect(stats).toContain('Bridged answers: no questions bridged yet');
    expect(stats).toContain('Communities (2)');
    expect(stats).toContain('schools: 1 core, 0 wider · 1 practice');
  });

  it('link gives the network a home channel of its own; coordinator and set work on it', async () => {
    await world.run('admin', 'coordinator outreach-net nora');
    expect((await world.run('nora', 'link outreach-net', 'outreach-hub')).text).toContain(
      'is now the home channel of Outreach Network: the network’s events and its weekly digest of its communities will be posted here.',
    );
    expect((await world.run('nora', 'set outreach-net sponsor Pro-Vice-Chancellor for Engagement')).text).toBe(
      'outreach-net: sponsor is now “Pro-Vice-Chancellor for Engagement”.',
    );
    expect((await world.run('nora', 'coordinator outreach-net nick')).text).toContain('is now a coordinator of Outreach Network');
    expect((await world.run('nora', 'event create outreach-net "Network meet-up" 2026-12-12 16:00')).text).toContain('Created event');
    expect((await world.run('ann', 'info outreach-net')).text).toContain('Pro-Vice-Chancellor for Engagement');
  });

  it('commands about one community refuse a network and name its communities', async () => {
    expect((await world.run('ann', 'share outreach-net Something')).text).toContain('outreach-net is a network, not a community: people join its communities');
    expect((await world.run('ann', 'members outreach-net')).text).toContain('outreach-net is a network, not a community');
  });

  it('the network’s weekly digest posts its communities’ highlights once, in its home channel', async () => {
    await world.run('admin', 'link outreach-net', 'outreach-hub');
    await world.run('admin', 'link schools', 'schools-home');
    const scheduler = createScheduler(world.services, { owner: 'test' });
    await scheduler.tick();
    expect(port.posts.filter((p) => p.channelId === 'outreach-hub')).toEqual([]);
    // Monday 09:05 in London.
    world.clock.set('2026-11-30T09:05:00Z');
    await scheduler.tick();
    await scheduler.tick();
    const posted = port.posts.filter((p) => p.channelId === 'outreach-hub');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toContain('Outreach Network: the last 7 days across its 2 communities');
    expect(posted[0]!.text).toContain('thank-you postcard');
    expect(posted[0]!.text).toContain('free drink token');
    expect(posted[0]!.text).not.toContain('paid time');
  });
});

describe('the calendar feed of a network', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
  });

  it('GET /communities/<network>/events.ics has the events of all its communities, each with its own', async () => {
    await constellation();
    await world.run('sam', 'event create schools "Open day" 2026-12-10 14:00');
    await world.run('mia', 'event create museums "Late opening" 2026-12-05 19:00');
    await world.run('admin', 'event create equity "Reading group" 2026-12-01 12:00');
    server = createHttpServer(calendarRoutes(world.services), silentLog);
    const base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
    const response = await fetch(`${base}/communities/outreach-net/events.ics`);
    expect(response.status).toBe(200);
    const calendar = new ICAL.Component(ICAL.parse(await response.text()));
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Outreach Network events');
    const events = calendar.getAllSubcomponents('vevent').map((vevent) => new ICAL.Event(vevent));
    expect(events.map((e) => e.summary).sort()).toEqual(['Late opening', 'Open day']);
    expect(events.find((e) => e.summary === 'Open day')!.description).toContain('School Partnerships');
    expect(events.find((e) => e.summary === 'Late opening')!.description).toContain('Museum Nights');
    const single = await (await fetch(`${base}/communities/equity/events.ics`)).text();
    expect(single).toContain('Reading group');
    expect(single).not.toContain('Open day');
  });
});
