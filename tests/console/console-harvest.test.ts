import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsoleSession } from '../support/console-session.js';

let session: Awaited<ReturnType<typeof createConsoleSession>>;
beforeEach(async () => {
  session = await createConsoleSession();
});
afterEach(() => session.close());

const typeLines = (lines: string[]) => session.type(lines);

describe('harvesting from the console', () => {
  it('follows a question said in a home channel, harvests the reply marked by the action, and finds it', async () => {
    const last = await typeLines([
      'create outreach "STEM Outreach"',
      'link outreach',
      ':as ann',
      ':say Where can we borrow microscopes?',
      ':as bob',
      ':reply 1 The university lends them for free.',
      ':as ann',
      ':harvest 2',
      'search microscopes',
    ]);
    expect(last).toContain('(message 1)');
    expect(last).toContain('(message 2, in the thread of message 1)');
    expect(last).toMatch(/\[message 3, posted in #general, in the thread of message 1\]\nWhen a reply answers this/);
    expect(last).toContain('Harvested: that reply is now the answer');
    expect(last).toContain('Question · STEM Outreach\nWhere can we borrow microscopes?\n✅ The university lends them for free.');
  });
});
