import { describe, expect, it } from 'vitest';
import { bindArguments, tokenize } from '../../src/commands/parse-text.js';
import { commands } from '../../src/commands/index.js';

// Where the free-text title of `event create` ends and the date and time begin, now that a date may be several
// words (`next tue`) or none (`3pm` alone); every earlier form still binds as before.

function bind(line: string) {
  const { tokens, unclosedQuote } = tokenize(line);
  const found = commands.find(tokens.map((t) => t.value))!;
  const bound = bindArguments(found.command, line, tokens.slice(found.consumed), unclosedQuote);
  return bound.ok ? bound.raw : { problem: bound.problem };
}

describe('the title, date and time of event create', () => {
  it.each([
    ['event create outreach Show and tell next tue 2pm', { title: 'Show and tell', date: 'next tue', time: '2pm' }],
    ['event create outreach Coffee chat tomorrow 15:00', { title: 'Coffee chat', date: 'tomorrow', time: '15:00' }],
    ['event create outreach Review 10 Dec 10:30', { title: 'Review', date: '10 Dec', time: '10:30' }],
    ['event create outreach Review Dec 10 10:30', { title: 'Review', date: 'Dec 10', time: '10:30' }],
    ['event create outreach Planning Friday 9am', { title: 'Planning', date: 'Friday', time: '9am' }],
    ['event create outreach Lunch and learn 3pm', { title: 'Lunch and learn', date: '', time: '3pm' }],
    ['event create outreach Lunch and learn 2026-12-10 12:30', { title: 'Lunch and learn', date: '2026-12-10', time: '12:30' }],
    ['event create outreach Sprint 3 review tomorrow 15:00', { title: 'Sprint 3 review', date: 'tomorrow', time: '15:00' }],
    ['event create outreach Lunch 2026-13-45 12:30', { title: 'Lunch', date: '2026-13-45', time: '12:30' }],
    ['event create outreach Lunch 10/12 12:30', { title: 'Lunch', date: '10/12', time: '12:30' }],
    ['event create outreach "Taster day" next tue 2pm duration:90', { title: 'Taster day', date: 'next tue', time: '2pm', duration: '90' }],
    ['event create outreach "Lunch and learn" 2026-12-10 12:30 90', { title: 'Lunch and learn', date: '2026-12-10', time: '12:30', duration: '90' }],
    ['event create outreach "Lunch" 3pm', { title: 'Lunch', date: '', time: '3pm' }],
    ['event create outreach Lunch "next friday" 12:30', { title: 'Lunch', date: 'next friday', time: '12:30' }],
    ['event create outreach Lunch and learn "someday" 12:30', { title: 'Lunch and learn', date: 'someday', time: '12:30' }],
  ])('binds %j', (line, expected) => {
    expect(bind(line)).toEqual({ community: 'outreach', ...expected });
  });

  it('says the time is missing when only a title is given', () => {
    expect(bind('event create outreach Lunch')).toEqual({ problem: '<time> is missing.' });
  });
});
