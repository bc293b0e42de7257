import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Clock } from '../../src/kernel/clock.js';
import type { Db } from '../../src/storage/database.js';
import type { SlackInstallationRow } from '../../src/storage/installation-schema.js';
import type { TokenCipher } from './token-cipher.js';

export type StoredInstallation = Installation<'v1' | 'v2', boolean>;

export type InstallationStoreDeps = Readonly<{
  db: Db;
  clock: Clock;
  cipher: TokenCipher;
  /** The workspace's URL (for permalinks), asked of Slack once per install. */
  describeTeam(botToken: string): Promise<string | undefined>;
  /** A workspace installed Weaver (first time or again). */
  onInstalled?(teamId: string): Promise<void>;
}>;

export type WeaverInstallationStore = InstallationStore &
  Readonly<{
    /** The installation that serves a workspace: its own, or its org's org-wide one; undefined when Weaver is not installed there. */
    findForTeam(teamId: string): Promise<{ installation: StoredInstallation; row: SlackInstallationRow } | undefined>;
    /** Removes an installation (app_uninstalled, tokens_revoked); true when there was one to remove. */
    removeInstallation(query: Readonly<{ teamId?: string; enterpriseId?: string; isEnterpriseInstall: boolean }>): Promise<boolean>;
  }>;

// An org-wide install is one row for every workspace of the org; a workspace install is one row for its team.
function keyOf(installation: Pick<StoredInstallation, 'isEnterpriseInstall' | 'enterprise' | 'team'>): string {
  if (installation.isEnterpriseInstall && installation.enterprise?.id) return `E:${installation.enterprise.id}`;
  if (installation.team?.id) return `T:${installation.team.id}`;
  throw new Error('A Slack installation names neither a team nor an org-wide enterprise.');
}

/** Bolt's installation store in Weaver's database, keyed by team (by enterprise for org-wide installs), tokens sealed. */
export function createInstallationStore(deps: InstallationStoreDeps): WeaverInstallationStore {
  const { db, clock, cipher } = deps;

  async function read(key: string) {
    const row = await db.selectFrom('slack_installation').selectAll().where('install_key', '=', key).executeTakeFirst();
    return row ? { row, installation: JSON.parse(cipher.open(row.installation)) as StoredInstallation } : undefined;
  }

  return {
    async storeInstallation(installation) {
      const key = keyOf(installation);
      const now = clock.now();
      const existing = await db.selectFrom('slack_installation').select(['team_url']).where('install_key', '=', key).executeTakeFirst();
      const bot = installation.bot;
      const url = existing?.team_url ?? (bot?.token ? await deps.describeTeam(bot.token) : undefined) ?? installation.enterpriseUrl ?? null;
      const fields = {
        team_id: installation.team?.id ?? null,
        enterprise_id: installation.enterprise?.id ?? null,
        is_enterprise_install: installation.isEnterpriseInstall ? 1 : 0,
        team_url: url,
        bot_user_id: bot?.userId ?? null,
        bot_id: bot?.id ?? null,
        installation: cipher.seal(JSON.stringify(installation)),
        bot_expires_at: bot?.expiresAt ? bot.expiresAt * 1000 : null,
        updated_at: now,
      };
      await db
        .insertInto('slack_installation')
        .values({ install_key: key, installed_at: now, ...fields })
        .onConflict((oc) => oc.column('install_key').doUpdateSet(fields))
        .execute();
      if (!existing && installation.team?.id) await deps.onInstalled?.(installation.team.id);
    },

    async fetchInstallation(query: InstallationQuery<boolean>) {
      if (query.isEnterpriseInstall && query.enterpriseId) {
        const org = await read(`E:${query.enterpriseId}`);
        if (org) {
          // Remembered so that scheduled posts to this workspace, with no request to go by, find the org's token.
          if (query.teamId) await rememberTeam(db, query.teamId, query.enterpriseId);
          return org.installation;
        }
      }
      const found = (query.teamId ? await read(`T:${query.teamId}`) : undefined) ?? (query.enterpriseId ? await read(`E:${query.enterpriseId}`) : undefined);
      if (!found) throw new Error(`Weaver is not installed in Slack workspace ${query.teamId ?? query.enterpriseId ?? '(unnamed)'}`);
      if (query.teamId && query.enterpriseId && found.row.is_enterprise_install) await rememberTeam(db, query.teamId, query.enterpriseId);
      return found.installation;
    },

    async deleteInstallation(query: InstallationQuery<boolean>) {
      const key = query.isEnterpriseInstall && query.enterpriseId ? `E:${query.enterpriseId}` : `T:${query.teamId ?? ''}`;
      await db.deleteFrom('slack_installation').where('install_key', '=', key).execute();
    },

    async findForTeam(teamId) {
      const own = await read(`T:${teamId}`);
      if (own) return own;
      const org = await db.selectFrom('slack_installation_team').select('enterprise_id').where('team_id', '=', teamId).executeTakeFirst();
      return org ? read(`E:${org.enterprise_id}`) : undefined;
    },

    async removeInstallation(query) {
      const key = query.isEnterpriseInstall && query.enterpriseId ? `E:${query.enterpriseId}` : query.teamId ? `T:${query.teamId}` : undefined;
      if (!key) return false;
      const result = await db.deleteFrom('slack_installation').where('install_key', '=', key).executeTakeFirst();
      if (key.startsWith('E:')) await db.deleteFrom('slack_installation_team').where('enterprise_id', '=', query.enterpriseId!).execute();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

async function rememberTeam(db: Db, teamId: string, enterpriseId: string): Promise<void> {
  await db
    .insertInto('slack_installation_team')
    .values({ team_id: teamId, enterprise_id: enterpriseId })
    .onConflict((oc) => oc.column('team_id').doUpdateSet({ enterprise_id: enterpriseId }))
    .execute();
}
