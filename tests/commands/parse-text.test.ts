import { describe, expect, it } from 'vitest';
import { bindArguments, tokenize } from '../../src/commands/parse-text.js';
import { commands } from '../../src/commands/index.js';

function bind(line: string) {
  const { tokens, unclosedQuote } = tokenize(line);
  const found = commands.find(tokens.map((t) => t.value));
  if (!found) return { problem: 'unknown command' };
  const bound = bindArguments(found.command, line, tokens.slice(found.consumed), unclosedQuote);
  return bound.ok ? { command: found.command.path.join(' '), raw: bound.raw } : { problem: bound.problem };
}

describe('the command text parser', () => {
  it.each([
    ['create outreach "STEM Outreach"', { slug: 'outreach', name: 'STEM Outreach' }],
    ['create outreach “STEM Outreach”', { slug: 'outreach', name: 'STEM Outreach' }],
    ['create outreach STEM Outreach', { slug: 'outreach', name: 'STEM Outreach' }],
    ['create outreach STEM Outreach domain:"Reaching new audiences"', { slug: 'outreach', name: 'STEM Outreach', domain: 'Reaching new audiences' }],
    ['create outreach domain:Schools STEM Outreach', { slug: 'outreach', name: 'STEM Outreach', domain: 'Schools' }],
    ['join outreach', { community: 'outreach' }],
    ['join outreach core', { community: 'outreach', tier: 'core' }],
    ['join outreach tier:core', { community: 'outreach', tier: 'core' }],
    ['join outreach Tier:core', { community: 'outreach', tier: 'core' }],
    ['set outreach domain Reaching new audiences', { community: 'outreach', field: 'domain', value: 'Reaching new audiences' }],
    [
      'set outreach sponsor Prof. Ada: Dean of 09:00 https://x.org',
      { community: 'outreach', field: 'sponsor', value: 'Prof. Ada: Dean of 09:00 https://x.org' },
    ],
    ['coordinator outreach <@U123ABC|ann> action:remove', { community: 'outreach', user: '<@U123ABC|ann>', action: 'remove' }],
    ['share outreach We ran a taster day.\nIt  worked.', { community: 'outreach', text: 'We ran a taster day.\nIt  worked.' }],
    ['share outreach Use a 12" ruler', { community: 'outreach', text: 'Use a 12" ruler' }],
    [
      'event create outreach Lunch and learn 2026-12-10 12:30 where:"Room 4"',
      { community: 'outreach', title: 'Lunch and learn', date: '2026-12-10', time: '12:30', where: 'Room 4' },
    ],
    [
      'event create outreach "Lunch and learn" 2026-12-10 12:30 90',
      { community: 'outreach', title: 'Lunch and learn', date: '2026-12-10', time: '12:30', duration: '90' },
    ],
    ['help', {}],
    ['help join', { command: 'join' }],
  ])('binds %j', (line, expected) => {
    expect(bind(line)).toEqual({ command: expect.any(String), raw: expected });
  });

  it.each([
    ['join', '<community> is missing.'],
    ['join outreach core extra', 'I did not expect “extra”.'],
    ['create outreach "STEM Outreach', 'The quote before “STEM” is never closed; close it, or leave the quotes out.'],
    ['join outreach tier:', 'The option tier: has no value.'],
  ])('explains what is wrong with %j', (line, problem) => {
    expect(bind(line)).toEqual({ problem });
  });

  it('keeps a quoted value with spaces inside an option', () => {
    expect(tokenize('where:"Room 4, Main St"').tokens).toEqual([{ value: 'where:Room 4, Main St', start: 0, end: 23, quoted: false }]);
  });
});
