// The process under test, apart from the load generator and the fake Web API (they would share its CPU otherwise).
// `weaver`: startWeaver, Slack over HTTP, Web API at SLACK_API_URL, database at DATABASE_PATH.
// `bare`: a bare Bolt App on the same kind of node:http server, whose /cop handler only acks.
// As a child process it tells its parent `{ port }` over IPC, answers 'cpu' with its CPU time, and stops on 'stop'.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { App, HTTPReceiver } from '@slack/bolt';
import { loadConfig } from '../../src/app/config.js';
import { listen } from '../../src/app/http.js';
import { startWeaver } from '../../src/app/start.js';
import { fakeBot } from '../../tests/fakes/slack-api.js';
import { testSigningSecret } from '../../tests/fakes/slack-requests.js';
import { silentLog } from '../../tests/support/harness.js';

export type ServerMode = 'weaver' | 'bare';
export type RunningServer = Readonly<{ port: number; stop(): Promise<void> }>;

async function startBare(): Promise<RunningServer> {
  const receiver = new HTTPReceiver({ signingSecret: testSigningSecret, endpoints: '/slack/events' });
  const app = new App({
    token: fakeBot.token,
    botId: fakeBot.botId,
    botUserId: fakeBot.userId,
    receiver,
    tokenVerificationEnabled: false,
    deferInitialization: true,
  });
  await app.init();
  app.command('/cop', async ({ ack }) => {
    await ack();
  });
  const server = createServer((request, response) => receiver.requestListener(request, response));
  const port = await listen(server, 0, '127.0.0.1');
  return { port, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function startWeaverServer(env: Record<string, string | undefined>): Promise<RunningServer> {
  const loaded = loadConfig({
    DATABASE_PATH: env.DATABASE_PATH,
    PORT: '0',
    SLACK_BOT_TOKEN: fakeBot.token,
    SLACK_SIGNING_SECRET: testSigningSecret,
    SLACK_API_URL: env.SLACK_API_URL,
    LOG_LEVEL: 'error',
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  const weaver = await startWeaver(loaded.config, { log: silentLog });
  return { port: weaver.httpPort!, stop: () => weaver.stop() };
}

export function startServer(mode: ServerMode, env: Record<string, string | undefined>): Promise<RunningServer> {
  return mode === 'bare' ? startBare() : startWeaverServer(env);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const running = await startServer(process.argv[2] === 'bare' ? 'bare' : 'weaver', process.env);
  process.send?.({ port: running.port });
  process.on('message', (message) => {
    // CPU time is what a shared machine cannot blur: the parent reads it around each phase.
    if (message === 'cpu') {
      const used = process.cpuUsage();
      process.send?.({ cpuMs: (used.user + used.system) / 1000 });
    }
    if (message === 'stop') void running.stop().finally(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
}
