import { afterEach, describe, expect, it } from 'vitest';
import { findCommunityBySlug } from '../../src/communities/communities.js';
import { chartProviders, communitySections, directoryColumns, memberColumns, scopeOf } from '../../src/web/sections.js';
import { createTestWorld, type TestWorld } from '../support/harness.js';

let world: TestWorld;
afterEach(async () => world?.close());

async function community(slug: string) {
  return (await findCommunityBySlug(world.db, slug))!;
}

describe('goals, networks and peer exchange on the web pages', () => {
  it('a network’s page covers its communities, and open goals show on the page and in the directory', async () => {
    world = await createTestWorld();
    await world.run('admin', 'create outreach "Outreach Network" kind:network');
    await world.run('admin', 'create schools Schools');
    await world.run('admin', 'set schools network outreach');
    await world.run('admin', 'goal add schools Run a seminar this year');
    const network = await community('outreach');
    const schools = await community('schools');
    expect((await scopeOf(world.services, network)).communityIds).toEqual([network.id, schools.id]);
    const now = world.clock.now();
    const sections = await Promise.all(
      communitySections.map((section) => section(world.services, { community: schools, communityIds: [schools.id], zone: 'UTC' }, now)),
    );
    expect(sections.map((section) => section?.body.toString()).join('')).toContain('Run a seminar this year');
    const columns = await Promise.all(directoryColumns.map((column) => column.values(world.services, [schools, network], now)));
    expect(columns.map((values) => values.get(schools.id)).join('')).toContain('Run a seminar this year');
    expect(columns.map((values) => values.get(network.id) ?? '').join('')).toBe('');
  });

  it('peer-exchange rounds are charted, and the members page says who takes part', async () => {
    world = await createTestWorld();
    await world.run('admin', 'create outreach Outreach');
    for (const person of ['ann', 'bob']) {
      await world.run(person, 'join outreach');
      await world.run(person, 'pair join outreach about:"evaluation"');
    }
    await world.run('admin', 'pair now outreach');
    const outreach = await community('outreach');
    const scope = await scopeOf(world.services, outreach);
    const charts = await Promise.all(chartProviders.map((chart) => chart.gather(world.services, scope, world.clock.now())));
    const rounds = charts.find((chart) => chart?.id === 'peer-exchange');
    expect(rounds?.caption).toContain('1 round, 1 group;');
    const ann = await world.db.selectFrom('member').select('id').where('user_id', '=', 'ann').executeTakeFirstOrThrow();
    const columns = await Promise.all(memberColumns.map((column) => column.values(world.services, scope, [ann.id], world.clock.now())));
    expect(columns.map((values) => values.get(ann.id)).join('')).toMatch(/^peer; 1 group/);
  });
});
