import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsoleSession } from '../support/console-session.js';

// The console: dates as people write them, and a :reply to a message in a thread stays in that thread.

let session: Awaited<ReturnType<typeof createConsoleSession>>;
beforeEach(async () => {
  session = await createConsoleSession({ now: '2026-11-23T10:00:00Z' });
});
afterEach(() => session.close());

const typeLines = (lines: string[]) => session.type(lines);

describe('the console', () => {
  it('creates events from dates as people write them, stating the date and time understood', async () => {
    const out = await typeLines([
      'create outreach "STEM Outreach"',
      'link outreach',
      'event create outreach Show and tell next tue 2pm',
      'event create outreach Coffee tomorrow 15:00',
      'event create outreach Standup 9am',
    ]);
    expect(out).toContain('Created event #1: Show and tell on Tue 1 Dec 2026, 14:00 GMT');
    expect(out).toContain('Created event #2: Coffee on Tue 24 Nov 2026, 15:00 GMT');
    expect(out).toContain('Mon 23 Nov 2026 09:00 (Europe/London) has already passed');
  });

  it(':reply to a message that is in a thread replies in that same thread, so it is harvested with its question', async () => {
    const out = await typeLines([
      'create outreach "STEM Outreach"',
      'link outreach',
      ':as ann',
      ':say Where can we borrow microscopes?',
      ':as bob',
      ':reply 1 The university lends them.',
      ':as carol',
      ':reply 2 Only to schools, I think.',
      ':as ann',
      ':harvest 4',
    ]);
    expect(out).toContain('(message 2, in the thread of message 1)');
    // Message 3 is the bot's hint in the thread; carol's reply to bob's is message 4, still in message 1's thread.
    expect(out).toContain('(message 4, in the thread of message 1)');
    expect(out).toContain('Harvested: that reply is now the answer');
  });
});
