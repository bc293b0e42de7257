import { inboundListeners } from '../../src/app/registry.js';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConsolePort } from '../../adapters/console/console-port.js';
import { runConsole } from '../../adapters/console/console.js';
import { createConsoleMessageIds, type ConsoleMessageIds } from '../../adapters/console/message-ids.js';
import { commands } from '../../src/commands/index.js';
import { createTestWorld, type TestWorld } from '../support/harness.js';

let world: TestWorld;
let text = '';
let messageIds: ConsoleMessageIds;
beforeEach(async () => {
  text = '';
  messageIds = createConsoleMessageIds();
  world = await createTestWorld({ ports: [createConsolePort((out) => (text += out), messageIds)] });
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
