import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, webApi, type Receiver } from '@slack/bolt';
import type { CommandTable } from '../../src/commands/define.js';
import type { Services } from '../../src/storage/services.js';
import type { SlackSettings } from '../../src/kernel/settings.js';
import type { Route } from '../../src/kernel/routes.js';
import type { InboundListener } from '../../src/storage/services.js';
import type { Logger } from '../../src/kernel/logger.js';
import type { AdapterHandle } from '../../src/kernel/ports.js';
import { toBoltLogger } from './bolt-logger.js';
import { createUserLookup } from './caller.js';
import { registerEvents } from './events.js';
import { registerInteractions } from './interactions.js';
import { slackErrorCode } from './slack-errors.js';
import { createSlackPort, type SlackWorkspace } from './slack-port.js';
import { createWorkTracker } from '../../src/kernel/work.js';

export type SlackConfig = SlackSettings;

export type SlackOptions = Readonly<{
  config: SlackConfig;
  services: Services;
  commands: CommandTable;
  listeners: readonly InboundListener[];
  log: Logger;
  /** How often a failed Web API call (5xx, network) is tried again; rate limits are never waited out here. */
  retries?: number;
}>;

export type SlackAdapter = AdapterHandle & Readonly<{ workspace: SlackWorkspace; mode: 'http' | 'socket'; waitUntilIdle(): Promise<void> }>;

export const eventsPath = '/slack/events';
// Bolt's own check refuses only old timestamps; one from the future is as suspect.
const maxClockSkewSeconds = 5 * 60;

/**
 * Starts Weaver on Slack: checks the token (a bad one stops the start with a clear message), then either serves
 * POST /slack/events on Weaver's HTTP server or, with an app-level token, connects in Socket Mode.
 */
export async function startSlack(options: SlackOptions): Promise<SlackAdapter> {
  const { config, services, log } = options;
  const logger = toBoltLogger(log);
  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: config.apiUrl,
    logger,
    timeout: 10_000,
    // A 429 must not pause every call for minutes: it is rejected at once, and the caller retries or says so.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: options.retries ?? 2, factor: 2, minTimeout: 500, maxTimeout: 3_000, randomize: true },
  };
  const client = new webApi.WebClient(config.botToken, clientOptions);
  // At start a failure is reported at once: a supervisor restarting us is a better retry than a silent wait.
  const workspace = await identifyWorkspace(new webApi.WebClient(config.botToken, { ...clientOptions, retryConfig: { retries: 0 } }), config.apiUrl);

  const socketMode = config.appToken !== undefined;
  let receiver: Receiver;
  let httpReceiver: HTTPReceiver | undefined;
  if (config.appToken) {
    receiver = new SocketModeReceiver({ appToken: config.appToken, logger, installerOptions: { clientOptions: { ...clientOptions } } });
  } else {
    if (!config.signingSecret) throw new Error('SLACK_SIGNING_SECRET is required for Slack over HTTP (or set SLACK_APP_TOKEN for Socket Mode).');
    httpReceiver = new HTTPReceiver({ signingSecret: config.signingSecret, endpoints: eventsPath, logger });
    receiver = httpReceiver;
  }
  const app = new App({
    token: config.botToken,
    botId: workspace.botId,
    botUserId: workspace.botUserId,
    receiver,
    logger,
    clientOptions,
    convoStore: false,
    // auth.test already answered above; Bolt needs no second call.
    tokenVerificationEnabled: false,
    deferInitialization: true,
  });
  await app.init();
  app.error(async (error) => log.error({ err: error }, 'Slack request failed'));

  const work = createWorkTracker();
  const users = createUserLookup(client, services.clock, log);
  registerInteractions(app, {
    services,
    commands: options.commands,
    listeners: options.listeners,
    client,
    workspace,
    isWorkspaceAdmin: users.isWorkspaceAdmin,
    work,
  });
  registerEvents(app, { services, listeners: options.listeners, client, workspace, work, nameOf: users.nameOf });

  if (socketMode) await connectSocketMode(app);
  log.info({ team: workspace.teamId, mode: socketMode ? 'socket' : 'http' }, 'Slack is connected');
  const routes: Route[] = httpReceiver ? [eventsRoute(httpReceiver)] : [];
  return {
    // The outbox retries posts itself, after looking for an earlier one: the client's own retry of a post whose answer
    // timed out could post it twice.
    port: createSlackPort(new webApi.WebClient(config.botToken, { ...clientOptions, retryConfig: { retries: 0 } }), workspace, log),
    routes,
    workspace,
    mode: socketMode ? 'socket' : 'http',
    waitUntilIdle: () => work.waitUntilIdle(),
    async stop() {
      if (socketMode) await app.stop();
      await work.waitUntilIdle();
    },
  };
}

async function identifyWorkspace(client: webApi.WebClient, apiUrl: string): Promise<SlackWorkspace> {
  const auth = await client.auth.test().catch((error: unknown) => {
    const code = slackErrorCode(error);
    if (code)
      throw new Error(`Slack refused SLACK_BOT_TOKEN (auth.test: ${code}); copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page.`);
    throw new Error(
      `Cannot reach Slack's Web API at ${apiUrl} (${error instanceof Error ? error.message : String(error)}); check SLACK_API_URL and the network.`,
    );
  });
  if (!auth.team_id || !auth.user_id)
    throw new Error('Slack’s auth.test did not name the workspace and the bot user; is SLACK_BOT_TOKEN a bot token (xoxb-…)?');
  return { teamId: auth.team_id, url: auth.url ?? '', botUserId: auth.user_id, botId: auth.bot_id };
}

async function connectSocketMode(app: App): Promise<void> {
  try {
    await app.start();
  } catch (error) {
    const code = slackErrorCode(error);
    if (code)
      throw new Error(
        `Slack refused SLACK_APP_TOKEN (apps.connections.open: ${code}); create an App-Level Token (xapp-…) with connections:write on the app's Basic Information page.`,
      );
    throw new Error(`Cannot open a Socket Mode connection to Slack (${error instanceof Error ? error.message : String(error)}).`);
  }
}

function eventsRoute(receiver: HTTPReceiver): Route {
  return {
    method: 'POST',
    path: /^\/slack\/events$/,
    handle(request: IncomingMessage, response: ServerResponse) {
      const timestamp = Number(request.headers['x-slack-request-timestamp']);
      if (Number.isFinite(timestamp) && timestamp - Date.now() / 1000 > maxClockSkewSeconds) {
        response.writeHead(401).end();
        return;
      }
      // Bolt verifies the signature and the age, acks, and dispatches to the listeners registered above.
      receiver.requestListener(request, response);
    },
  };
}
