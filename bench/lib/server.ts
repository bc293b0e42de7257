// The process under test, apart from the load generator and the fake Web API (they would share its CPU otherwise).
// `weaver`: startWeaver, Slack over HTTP, Web API at SLACK_API_URL, database at DATABASE_PATH.
// `bare`: a bare Bolt App on the same kind of node:http server, whose /cop handler only acks.
// Tells its parent `{ port }` over IPC; stops on the message 'stop'.
import { createServer } from 'node:http';
import { App, HTTPReceiver } from '@slack/bolt';
import { loadConfig } from '../../src/config.js';
import { listen } from '../../src/http.js';
import { startWeaver } from '../../src/start.js';
import { fakeBot } from '../../tests/fakes/slack-api.js';
import { testSigningSecret } from '../../tests/fakes/slack-requests.js';
import { silentLog } from '../../tests/support/harness.js';

const mode = process.argv[2];

async function startBare(): Promise<{ port: number; stop(): Promise<void> }> {
  const receiver = new HTTPReceiver({ signingSecret: testSigningSecret, endpoints: '/slack/events' });
  const app = new App({ token: fakeBot.token, botId: fakeBot.botId, botUserId: fakeBot.userId, receiver, tokenVerificationEnabled: false, deferInitialization: true });
  await app.init();
  app.command('/cop', async ({ ack }) => {
    await ack();
  });
  const server = createServer((request, response) => receiver.requestListener(request, response));
  const port = await listen(server, 0, '127.0.0.1');
  return { port, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function startWeaverServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const loaded = loadConfig({
    DATABASE_PATH: process.env.DATABASE_PATH,
    PORT: '0',
    SLACK_BOT_TOKEN: fakeBot.token,
    SLACK_SIGNING_SECRET: testSigningSecret,
    SLACK_API_URL: process.env.SLACK_API_URL,
    LOG_LEVEL: 'error',
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  const weaver = await startWeaver(loaded.config, { log: silentLog });
  return { port: weaver.httpPort!, stop: () => weaver.stop() };
}

const running = mode === 'bare' ? await startBare() : await startWeaverServer();
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
