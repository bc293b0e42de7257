import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from './app/config.js';
import { startWeaver } from './app/start.js';

// `npm start` reads .env when there is one; variables already set in the environment win.
if (existsSync('.env')) process.loadEnvFile('.env');

const { values: flags } = parseArgs({ options: { as: { type: 'string' }, in: { type: 'string' } }, strict: false });
const loaded = loadConfig(process.env);
if (!loaded.ok) {
  process.stderr.write(`Weaver cannot start; fix these settings (see .env.example):\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\n`);
  process.exit(1);
}

// A platform that refuses its token, or cannot be reached, stops the start with its one sentence, not a stack trace.
const weaver = await startWeaver(loaded.config, {
  console: { as: typeof flags.as === 'string' ? flags.as : undefined, channel: typeof flags.in === 'string' ? flags.in : undefined },
}).catch((error: unknown) => {
  // A platform that refuses to connect (a wrong token, say) is one sentence for the operator, not a stack trace.
  process.stderr.write(`Weaver cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
// A platform SDK that rejects on a payload it cannot read (a malformed gateway event, say) must not end the bot:
// the error is logged and Weaver keeps serving everyone else. Everything Weaver acknowledged is already stored.
process.on('unhandledRejection', (error: unknown) => weaver.services.log.error({ err: error }, 'unhandled rejection, kept running'));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void weaver.stop().then(() => process.exit(0)));
await weaver.finished;
await weaver.stop();
