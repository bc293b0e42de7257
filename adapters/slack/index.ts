import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, SocketModeReceiver, webApi, type Receiver } from '@slack/bolt';
import type { CommandTable } from '../../src/commands/define.js';
import type { Services, InboundListener } from '../../src/storage/services.js';
import type { SlackOAuthSettings, SlackSettings } from '../../src/kernel/settings.js';
import type { Route } from '../../src/kernel/routes.js';
import type { Logger } from '../../src/kernel/logger.js';
import type { AdapterHandle } from '../../src/kernel/ports.js';
import { toBoltLogger } from './bolt-logger.js';
import { createUserLookupIn } from './caller.js';
import { registerEvents } from './events.js';
import { registerInteractions } from './interactions.js';
import { registerAppHome } from './app-home.js';
import { registerModals } from './modals.js';
import { slackErrorCode } from './slack-errors.js';
import { createWorkspacesPort } from './slack-port.js';
import { createWorkTracker, type WorkLimits, type WorkTracker } from '../../src/kernel/work.js';
import { createInstallationStore } from './installation-store.js';
import { authorizationUrlFor, installedPage, installFailedPage, manifestBotScopes, renderInstallPage } from './install-pages.js';
import { createStateStore } from './oauth-state.js';
import { createTokenCipher } from './token-cipher.js';
import { registerUninstall } from './uninstall.js';
import { installedWorkspaces, singleWorkspace, type SlackDirectory, type SlackWorkspace } from './workspaces.js';

export type SlackConfig = SlackSettings;

export type SlackOptions = Readonly<{
  config: SlackConfig;
  services: Services;
  commands: CommandTable;
  listeners: readonly InboundListener[];
  log: Logger;
  /** How often a failed Web API call (5xx, network) is tried again; rate limits are never waited out here. */
  retries?: number;
  /** Many workspaces: a workspace removed Weaver (the core gives up its posts and marks its home channels gone). */
  onWorkspaceRemoved?(teamId: string, reason: string): Promise<void>;
  /** Many workspaces: a workspace installed Weaver (again). */
  onWorkspaceInstalled?(teamId: string): Promise<void>;
  /** The bound on work behind acks; `defaultWorkLimits` unless a test makes it small. */
  workLimits?: WorkLimits;
}>;

export type SlackAdapter = AdapterHandle &
  Readonly<{
    /** The one workspace of SLACK_BOT_TOKEN; absent with many workspaces. */
    workspace?: SlackWorkspace;
    mode: 'http' | 'socket';
    waitUntilIdle(): Promise<void>;
  }>;

export const eventsPath = '/slack/events';
export const installPath = '/slack/install';
export const redirectPath = '/slack/oauth_redirect';
// Bolt's own check refuses only old timestamps; one from the future is as suspect.
const maxClockSkewSeconds = 5 * 60;

/**
 * Starts Weaver on Slack. With SLACK_BOT_TOKEN: checks the token (a bad one stops the start with a clear message),
 * then serves POST /slack/events or connects in Socket Mode. With OAuth settings: serves the install pages too, and
 * each workspace that installs Weaver is served with its own token.
 */
export async function startSlack(options: SlackOptions): Promise<SlackAdapter> {
  const { config } = options;
  if (config.botToken) return startOneWorkspace(options, config.botToken);
  if (config.oauth) return startManyWorkspaces(options, config.oauth);
  throw new Error('Slack needs SLACK_BOT_TOKEN, or SLACK_CLIENT_ID with SLACK_CLIENT_SECRET and SLACK_STATE_SECRET.');
}

function webClientOptions(options: SlackOptions): webApi.WebClientOptions {
  return {
    slackApiUrl: options.config.apiUrl,
    logger: toBoltLogger(options.log),
    timeout: 10_000,
    // A 429 must not pause every call for minutes: it is rejected at once, and the caller retries or says so.
    rejectRateLimitedCalls: true,
    retryConfig: { retries: options.retries ?? 2, factor: 2, minTimeout: 500, maxTimeout: 3_000, randomize: true },
  };
}

async function startOneWorkspace(options: SlackOptions, botToken: string): Promise<SlackAdapter> {
  const { config, log } = options;
  const logger = toBoltLogger(log);
  const clientOptions = webClientOptions(options);
  const client = new webApi.WebClient(botToken, clientOptions);
  // At start a failure is reported at once: a supervisor restarting us is a better retry than a silent wait.
  const workspace = await identifyWorkspace(new webApi.WebClient(botToken, { ...clientOptions, retryConfig: { retries: 0 } }), config.apiUrl);

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
    token: botToken,
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

  const directory = singleWorkspace(client, workspace);
  const work = registerListeners(app, options, directory);
  if (socketMode) await connectSocketMode(app);
  log.info({ team: workspace.teamId, mode: socketMode ? 'socket' : 'http' }, 'Slack is connected');
  const routes: Route[] = httpReceiver ? [eventsRoute(httpReceiver, work)] : [];
  // The outbox retries posts itself, after looking for an earlier one: the client's own retry of a post whose answer
  // timed out could post it twice.
  const sending = singleWorkspace(new webApi.WebClient(botToken, { ...clientOptions, retryConfig: { retries: 0 } }), workspace);
  return {
    port: createWorkspacesPort(sending, log),
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

/**
 * Slack in many workspaces, with Bolt's built-in OAuth: GET /slack/install shows the "Add to Slack" page,
 * GET /slack/oauth_redirect completes an install into Weaver's database, and Bolt's authorize gives every request
 * its workspace's token (refreshing it when the app rotates tokens). Posts pick the token by workspace the same way.
 */
async function startManyWorkspaces(options: SlackOptions, oauth: SlackOAuthSettings): Promise<SlackAdapter> {
  const { config, services, log } = options;
  if (!config.signingSecret) throw new Error('SLACK_SIGNING_SECRET is required for Slack in many workspaces.');
  const logger = toBoltLogger(log);
  const clientOptions = webClientOptions(options);
  const probe = new webApi.WebClient(undefined, { ...clientOptions, retryConfig: { retries: 0 } });
  const store = createInstallationStore({
    db: services.db,
    clock: services.clock,
    cipher: createTokenCipher(config.secretKey),
    async describeTeam(token) {
      try {
        return (await probe.auth.test({ token })).url;
      } catch (error) {
        log.warn({ slackError: slackErrorCode(error) }, 'auth.test of a new installation failed; its permalinks wait for the next install');
        return undefined;
      }
    },
    onInstalled: async (teamId) => {
      log.info({ team: teamId }, 'Weaver was installed in a Slack workspace');
      await options.onWorkspaceInstalled?.(teamId);
    },
  });
  const publicUrl = services.settings.publicUrl ?? 'http://localhost';
  const httpReceiver = new HTTPReceiver({
    signingSecret: config.signingSecret,
    endpoints: eventsPath,
    logger,
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    installationStore: store,
    scopes: manifestBotScopes(),
    redirectUri: `${publicUrl}${redirectPath}`,
    installerOptions: {
      installPath,
      redirectUriPath: redirectPath,
      stateStore: createStateStore(services.db, services.clock, oauth.stateSecret),
      authorizationUrl: authorizationUrlFor(config.apiUrl),
      renderHtmlForInstallPath: renderInstallPage,
      callbackOptions: { success: installedPage, failure: installFailedPage },
      clientOptions,
    },
  });
  const app = new App({ receiver: httpReceiver, logger, clientOptions, convoStore: false, deferInitialization: true });
  await app.init();
  app.error(async (error) => log.error({ err: error }, 'Slack request failed'));

  const directory = installedWorkspaces({ store, clock: services.clock, log, oauth, clientOptions });
  const work = registerListeners(app, options, directory);
  registerUninstall(app, { store, log, work, onWorkspaceRemoved: options.onWorkspaceRemoved });
  log.info({ mode: 'http', installAt: `${publicUrl}${installPath}` }, 'Slack is ready for many workspaces');
  return {
    port: createWorkspacesPort(directory, log),
    routes: [eventsRoute(httpReceiver, work), oauthRoute(httpReceiver, installPath), oauthRoute(httpReceiver, redirectPath)],
    mode: 'http',
    waitUntilIdle: () => work.waitUntilIdle(),
    stop: () => work.waitUntilIdle(),
  };
}

function registerListeners(app: App, options: SlackOptions, directory: SlackDirectory): WorkTracker {
  const { services } = options;
  const work = createWorkTracker({ ...options.workLimits, log: options.log });
  const users = createUserLookupIn(async (teamId) => (await directory.access(teamId)).client, services.clock, options.log);
  registerInteractions(app, { services, commands: options.commands, listeners: options.listeners, isWorkspaceAdmin: users.isWorkspaceAdmin, work });
  registerEvents(app, { services, listeners: options.listeners, directory, work, nameOf: users.nameOf });
  registerModals(app, { services, commands: options.commands, isWorkspaceAdmin: users.isWorkspaceAdmin, work });
  registerAppHome(app, { services, work });
  return work;
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

// The install page and the OAuth redirect are Bolt's; the receiver's request listener serves both.
function oauthRoute(receiver: HTTPReceiver, path: string): Route {
  return { method: 'GET', path: new RegExp(`^${path}$`), handle: (request, response) => receiver.requestListener(request, response) };
}

function eventsRoute(receiver: HTTPReceiver, work: WorkTracker): Route {
  return {
    method: 'POST',
    path: /^\/slack\/events$/,
    handle(request: IncomingMessage, response: ServerResponse) {
      const timestamp = Number(request.headers['x-slack-request-timestamp']);
      if (Number.isFinite(timestamp) && timestamp - Date.now() / 1000 > maxClockSkewSeconds) {
        response.writeHead(401).end();
        return;
      }
      // Bolt reads the body itself, but a body that is not one of Slack's shapes (`null`, a bare number) makes it
      // throw outside any handler, an unhandled rejection that would end the process: such a body is refused here.
      readBody(request, bodyLimit).then(
        (raw) => {
          const shape = slackShapeOf(raw, request.headers['content-type']);
          if (!shape) {
            response.writeHead(400).end();
            return;
          }
          // An event cannot be answered "busy": refused before Bolt acks it, Slack delivers it again later (its
          // event_id makes that a no-op if it was handled after all). Commands are answered busy by their listeners.
          if (shape === 'event' && work.isFull('event')) {
            work.refuse();
            response.writeHead(503).end();
            return;
          }
          // Bolt verifies the signature and the age, acks, and dispatches to the listeners registered above.
          Object.assign(request, { rawBody: raw });
          receiver.requestListener(request, response);
        },
        () => void response.writeHead(413).end(),
      );
    },
  };
}

// Bolt's own limit.
const bodyLimit = 4 * 1024 * 1024;

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('request body too large'));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * Slack sends a slash command or ssl_check as a form, interactivity as a form with a JSON `payload` object, events as a
 * JSON object with a `type`: which of them, or undefined for anything else.
 */
function slackShapeOf(raw: Buffer, contentType: string | undefined): 'event' | 'other' | undefined {
  const text = raw.toString();
  try {
    if (contentType === 'application/x-www-form-urlencoded') {
      const form = new URLSearchParams(text);
      const payload = form.get('payload');
      if (payload === null) return form.has('command') || form.has('ssl_check') ? 'other' : undefined;
      const parsed: unknown = JSON.parse(payload);
      return isObjectWithType(parsed) ? 'other' : undefined;
    }
    const body: unknown = JSON.parse(text);
    // An event_callback without its event would wait out Bolt's 3-second ack timeout for nothing.
    if (isObjectWithType(body) && (body as { type: string }).type === 'event_callback') {
      const event = (body as { event?: unknown }).event;
      return typeof event === 'object' && event !== null && !Array.isArray(event) ? 'event' : undefined;
    }
    return isObjectWithType(body) ? 'other' : undefined;
  } catch {
    return undefined;
  }
}

function isObjectWithType(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === 'string';
}
