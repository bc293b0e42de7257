import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsolePort } from '../../adapters/console/console-port.js';
import { runConsole } from '../../adapters/console/console.js';
import { createConsoleMessageIds, type ConsoleMessageIds } from '../../adapters/console/message-ids.js';
import { inboundListeners } from '../../src/app/registry.js';
import { commands } from '../../src/commands/index.js';
import { createTestWorld, type TestWorld } from '../support/harness.js';

// The console: dates as people write them, and a :reply to a message in a thread stays in that thread.

let world: TestWorld;
let text = '';
let messageIds: ConsoleMessageIds;
beforeEach(async () => {
  text = '';
  messageIds = createConsoleMessageIds();
  world = await createTestWorld({ now: '2026-11-23T10:00:00Z', ports: [createConsolePort((out) => (text += out), messageIds)] });
});
afterEach(() => world.close());

async function typeLines(lines: string[]): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  output.on('data', (chunk: Buffer) => (text += chunk.toString()));
  input.end(`${lines.join('\n')}\n`);
  await runConsole({ services: world.services, commands, listeners: inboundListeners, input, output, interactive: false, messageIds });
  return text;
}

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
