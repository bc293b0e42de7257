import { PassThrough } from 'node:stream';
import { createConsolePort } from '../../adapters/console/console-port.js';
import { runConsole } from '../../adapters/console/console.js';
import { createConsoleMessageIds } from '../../adapters/console/message-ids.js';
import { inboundListeners } from '../../src/app/registry.js';
import { commands } from '../../src/commands/index.js';
import { createTestWorld } from './harness.js';

/**
 * The console in this process, on the one test world: `type(lines)` plays lines at its prompt and settles with
 * everything printed so far, its answers and the posts the console platform printed alike.
 */
export async function createConsoleSession(options: Parameters<typeof createTestWorld>[0] = {}) {
  let text = '';
  const messageIds = createConsoleMessageIds();
  const world = await createTestWorld({ ...options, ports: [createConsolePort((out) => (text += out), messageIds), ...(options.ports ?? [])] });
  async function type(lines: readonly string[]): Promise<string> {
    const input = new PassThrough();
    const output = new PassThrough();
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    input.end(`${lines.join('\n')}\n`);
    await runConsole({ services: world.services, commands, listeners: inboundListeners, input, output, interactive: false, messageIds });
    return text;
  }
  return { world, type, close: () => world.close() };
}
