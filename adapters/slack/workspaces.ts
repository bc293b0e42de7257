import { webApi } from '@slack/bolt';
import type { Clock } from '../../src/kernel/clock.js';
import type { Logger } from '../../src/kernel/logger.js';
import { DeliveryError } from '../../src/kernel/ports.js';
import type { SlackOAuthSettings } from '../../src/kernel/settings.js';
import type { StoredInstallation, WeaverInstallationStore } from './installation-store.js';
import { slackErrorCode } from './slack-errors.js';

/** What Weaver knows of one workspace it is in: auth.test's answer, or the installation's. */
export type SlackWorkspace = Readonly<{ teamId: string; url: string; botUserId: string; botId?: string }>;

export type WorkspaceAccess = Readonly<{ client: webApi.WebClient; workspace: SlackWorkspace }>;

/**
 * Which token speaks for which workspace. With SLACK_BOT_TOKEN there is one; with OAuth, each workspace's own,
 * refreshed before it expires. `access` throws a DeliveryError: permanent where Weaver is not installed, temporary
 * when a refresh failed (the workspace's posts wait and retry).
 */
export type SlackDirectory = Readonly<{
  access(teamId: string): Promise<WorkspaceAccess>;
  /** Who Weaver is in a workspace (its bot, the workspace URL), without touching its token; undefined when not installed. */
  describe(teamId: string): Promise<SlackWorkspace | undefined>;
}>;

export function singleWorkspace(client: webApi.WebClient, workspace: SlackWorkspace): SlackDirectory {
  return { access: () => Promise.resolve({ client, workspace }), describe: () => Promise.resolve(workspace) };
}

// Refreshed this long before expiry, so that a post or a request never goes out with a token about to lapse.
export const refreshBeforeExpiryMs = 5 * 60_000;
// After a failed refresh, a workspace's posts wait at least this long before the next try.
const retryRefreshAfterMs = 60_000;

export type InstalledWorkspacesDeps = Readonly<{
  store: WeaverInstallationStore;
  clock: Clock;
  log: Logger;
  oauth: SlackOAuthSettings;
  clientOptions: webApi.WebClientOptions;
}>;

/** The installed workspaces, and the same with clients that never retry a call themselves, for the outbox's posts. */
export type InstalledWorkspaces = SlackDirectory & Readonly<{ sending: SlackDirectory }>;

/** Every workspace that installed Weaver, each with its own token from the installation store. */
export function installedWorkspaces(deps: InstalledWorkspacesDeps): InstalledWorkspaces {
  const { store, clock, log, oauth } = deps;
  const tokenless = new webApi.WebClient(undefined, { ...deps.clientOptions, retryConfig: { retries: 0 } });
  // The outbox retries posts itself, after looking for an earlier one: a client's own retry of a post whose answer
  // timed out could post it twice. Requests (answers, lookups) keep the client's retries.
  const kinds = {
    requests: { options: deps.clientOptions, clients: new Map<string, { token: string; client: webApi.WebClient }>() },
    sending: { options: { ...deps.clientOptions, retryConfig: { retries: 0 } }, clients: new Map<string, { token: string; client: webApi.WebClient }>() },
  };
  const refreshing = new Map<string, Promise<StoredInstallation>>();

  function clientFor(kind: keyof typeof kinds, key: string, token: string): webApi.WebClient {
    const { options, clients } = kinds[kind];
    const known = clients.get(key);
    if (known?.token === token) return known.client;
    const client = new webApi.WebClient(token, options);
    clients.set(key, { token, client });
    return client;
  }

  async function refresh(key: string, installation: StoredInstallation): Promise<StoredInstallation> {
    const bot = installation.bot!;
    const response = await tokenless.oauth.v2.access({
      client_id: oauth.clientId,
      client_secret: oauth.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: bot.refreshToken!,
    });
    if (!response.access_token || !response.refresh_token || response.expires_in === undefined) throw new Error('oauth.v2.access returned no token');
    const updated: StoredInstallation = {
      ...installation,
      bot: { ...bot, token: response.access_token, refreshToken: response.refresh_token, expiresAt: Math.floor(clock.now() / 1000) + response.expires_in },
    };
    await store.storeInstallation(updated);
    log.info({ installation: key }, 'refreshed a Slack workspace token');
    return updated;
  }

  // One refresh at a time per installation: a refresh token is good once.
  async function freshInstallation(key: string, installation: StoredInstallation): Promise<StoredInstallation> {
    const bot = installation.bot;
    if (!bot?.refreshToken || !bot.expiresAt || bot.expiresAt * 1000 - clock.now() > refreshBeforeExpiryMs) return installation;
    let running = refreshing.get(key);
    if (!running) {
      running = refresh(key, installation).finally(() => refreshing.delete(key));
      refreshing.set(key, running);
    }
    try {
      return await running;
    } catch (error) {
      log.warn({ installation: key, slackError: slackErrorCode(error), err: error }, 'Slack token refresh failed; posts to this workspace wait and retry');
      throw new DeliveryError(`refreshing the Slack token of ${key} failed`, false, retryRefreshAfterMs);
    }
  }

  async function describe(teamId: string): Promise<SlackWorkspace | undefined> {
    const found = await store.findForTeam(teamId);
    const bot = found?.installation.bot;
    return found && bot ? { teamId, url: found.row.team_url ?? '', botUserId: bot.userId, botId: bot.id } : undefined;
  }

  function directory(kind: keyof typeof kinds): SlackDirectory {
    return {
      describe,
      async access(teamId) {
        let found;
        try {
          found = await store.findForTeam(teamId);
        } catch (error) {
          log.error({ err: error, team: teamId }, 'could not read a Slack installation');
          throw new DeliveryError(`reading the Slack installation of ${teamId} failed`, false);
        }
        if (!found?.installation.bot?.token) throw new DeliveryError(`Weaver is not installed in Slack workspace ${teamId}`, true);
        const installation = await freshInstallation(found.row.install_key, found.installation);
        const bot = installation.bot!;
        return {
          client: clientFor(kind, found.row.install_key, bot.token),
          workspace: { teamId, url: found.row.team_url ?? '', botUserId: bot.userId, botId: bot.id },
        };
      },
    };
  }

  return { ...directory('requests'), sending: directory('sending') };
}
