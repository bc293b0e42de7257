import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { matchExpression, queryTerms, searchKnowledge, snippetsFor } from '../../src/harvest/search.js';
import { createCommunity, linkHomeChannel } from '../../src/communities/communities.js';
import { createHarvestWorld, slackMessage, slackReaction, slackUser, type HarvestWorld } from '../support/fixtures.js';

let w: HarvestWorld;
beforeEach(async () => {
  w = await createHarvestWorld();
  // A marked answer, a plain reply and a question that all mention the same words.
  await w.send(slackMessage('1732370000.000100', 'U0ASK0001', 'How should we store the chemistry demo kit safely?'));
  await w.send(slackMessage('1732370060.000200', 'U0BOB0002', 'Store the chemistry kit in a locked cabinet.', { threadTs: '1732370000.000100' }));
  await w.send(slackMessage('1732370120.000300', 'U0ANN0003', 'We store ours in the chemistry prep room, kit and all.', { threadTs: '1732370000.000100' }));
  await w.send(slackReaction('1732370060.000200', 'U0ASK0001', w.clock.now()));
  await w.runAs(slackUser('U0PAT0006'), 'share outreach Chemistry shows: practise every demo twice before going on stage.');
});
afterEach(() => w.close());

describe('search', () => {
  it('puts the marked answer first for its question', async () => {
    const { hits } = await searchKnowledge(w.db, 'store chemistry kit', { now: w.clock.now() });
    expect(hits[0]!.role).toBe('answer');
    expect(hits.map((h) => h.role).sort()).toEqual(['answer', 'question', 'reply']);
    const reply = await w.runAs(slackUser('U0ZED0009'), 'search store chemistry kit');
    expect(reply.text.indexOf('✅ Answer')).toBeGreaterThan(-1);
    expect(reply.text).toContain('source (https://acme.slack.com/archives/C0456EFGH/p1732370060000200)');
    // One result per thread, and the practice beside it.
    const titles = (await w.runAs(slackUser('U0ZED0009'), 'search chemistry')).sections.map((s) => s.title);
    expect(titles.sort()).toEqual(['Practice · STEM Outreach', '✅ Answer · STEM Outreach']);
  });

  it('finds words in other forms (porter stemming) and highlights them', async () => {
    const reply = await w.runAs(slackUser('U0ZED0009'), 'search practising demos');
    expect(reply.sections[0]!.title).toBe('Practice · STEM Outreach');
    expect(reply.sections[0]!.body).toContainEqual({ kind: 'bold', text: 'practise' });
  });

  it('falls back to any word when no item has every word', async () => {
    const { hits } = await searchKnowledge(w.db, 'cabinet unicorn', { now: w.clock.now() });
    expect(hits[0]).toMatchObject({ role: 'answer' });
  });

  it('filters by community', async () => {
    const other = (await createCommunity(w.db, { slug: 'makers', name: 'Makers' }, w.clock.now()))!;
    await linkHomeChannel(w.db, other, { platform: 'slack', workspaceId: 'T0123ABCD', channelId: 'C0MAKERS1' }, w.clock.now());
    await w.runAs(slackUser('U0PAT0006'), 'share makers A chemistry-free glue gun demo.');
    expect((await w.runAs(slackUser('U0ZED0009'), 'search chemistry community:makers')).sections.map((s) => s.title)).toEqual(['Practice · Makers']);
    expect((await w.runAs(slackUser('U0ZED0009'), `search c${other.id} community:outreach`)).text).toContain('Nothing found');
  });

  const hostile = [
    '"',
    '*',
    'chemistry*',
    'NEAR(chemistry kit)',
    'NEAR',
    '-chemistry',
    'chemistry -kit',
    'chemistry AND OR NOT kit',
    'AND',
    '((chemistry',
    'chemistry)',
    'text:chemistry',
    'fts_scope:c1',
    '{text}: kit',
    '^chemistry',
    "'; drop table practice; --",
    '🙂🧪',
    'x'.repeat(500),
    'chemistry '.repeat(40),
    'café',
    '\\',
    '%_',
  ];
  it.each(hostile)('treats %j as words, never as query syntax', async (query) => {
    const outcome = await searchKnowledge(w.db, query, { now: w.clock.now() });
    expect(Array.isArray(outcome.hits)).toBe(true);
    const reply = await w.runAs(slackUser('U0ZED0009'), `search ${query}`);
    expect(reply.refusal).toBeUndefined();
    expect(reply.text).toMatch(/^(Best|Nothing found)/);
  });

  it('quotes every term and keeps terms in the text column', () => {
    expect(queryTerms('NEAR(a "b") OR c* text:d')).toEqual(['near', 'a', 'b', 'or', 'c', 'text', 'd']);
    expect(matchExpression(['a', 'b'], 'all', 3)).toBe('{fts_scope} : "c3" AND {text} : ("a" AND "b")');
  });

  it('cuts a snippet of each asked hit only, one or several', async () => {
    const { hits, match } = await searchKnowledge(w.db, 'chemistry', { now: w.clock.now() });
    const harvested = hits.filter((hit) => hit.source === 'harvest').map((hit) => hit.id);
    expect(harvested).toHaveLength(3);
    expect([...(await snippetsFor(w.db, 'harvest', match, harvested.slice(0, 1))).keys()]).toEqual(harvested.slice(0, 1));
    expect([...(await snippetsFor(w.db, 'harvest', match, harvested.slice(1))).keys()].sort()).toEqual(harvested.slice(1).sort());
  });

  it('says nothing was found for words that are nowhere', async () => {
    const reply = await w.runAs(slackUser('U0ZED0009'), 'search zeppelin');
    expect(reply.text).toBe('Nothing found for “zeppelin”. Try other or fewer words, or ask with /cop ask <community> <question>.');
  });
});
