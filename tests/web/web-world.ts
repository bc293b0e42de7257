import { PassThrough } from 'node:stream';
import { createConsolePort } from '../../adapters/console/console-port.js';
import { runConsole } from '../../adapters/console/console.js';
import { createConsoleMessageIds } from '../../adapters/console/message-ids.js';
import { inboundListeners } from '../../src/app/registry.js';
import { createHttpServer, listen } from '../../src/app/http.js';
import { commands } from '../../src/commands/index.js';
import type { Route } from '../../src/kernel/routes.js';
import { webRoutes } from '../../src/web/routes.js';
import { createTestWorld, silentLog } from '../support/harness.js';

/** A test world whose web pages are served on a free local port, with the console to set the scene. */
export async function createWebWorld(now = '2026-11-23T10:00:00Z') {
  const routes: Route[] = [];
  const server = createHttpServer(routes, silentLog);
  const port = await listen(server, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;
  const messageIds = createConsoleMessageIds();
  let printed = '';
  const world = await createTestWorld({
    now,
    settings: { publicUrl: base },
    ports: [createConsolePort((out) => (printed += out), messageIds)],
  });
  routes.push(...webRoutes({ services: world.services }));

  /** Types lines in the console, as the local admin unless `:as` says otherwise; returns what it printed. */
  async function type(lines: readonly string[]): Promise<string> {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    input.end(`${lines.join('\n')}\n`);
    await runConsole({ services: world.services, commands, listeners: inboundListeners, input, output, interactive: false, messageIds });
    return text;
  }

  /** The sign-in link in a command's answer. */
  async function linkFrom(user: string, line: string): Promise<{ url: string; text: string }> {
    const reply = await world.run(user, line);
    const url = /(http:\/\/127\.0\.0\.1:\d+\/sign-in\/[A-Za-z0-9_.-]+)/.exec(reply.text)?.[1];
    if (!url) throw new Error(`no sign-in link in: ${reply.text}`);
    return { url, text: reply.text };
  }

  async function close() {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await world.close();
  }
  return { ...world, base, type, linkFrom, printed: () => printed, close };
}

/** A community with members in both tiers, a practice, a harvested answer, an event with answers, and a coordinator. */
export const outreachScene = [
  'create outreach "STEM Outreach" domain:"Reaching new audiences with hands-on science"',
  'set outreach sponsor Dr Ada Lovelace',
  'link outreach',
  'coordinator outreach @cora',
  'join outreach core',
  ':as cora',
  'join outreach',
  ':as ann',
  'join outreach',
  'share outreach We ran a taster day with microscopes for two local schools',
  ':say Where can we borrow microscopes?',
  ':as bob',
  'join outreach',
  ':reply 1 The university lends them for free, ask the physics department.',
  ':as ann',
  ':harvest 2',
  ':as admin',
  'event create outreach "Autumn debrief" 2026-12-03 14:00',
  'rsvp 1',
  ':as ann',
  'rsvp 1 answer:maybe',
];
