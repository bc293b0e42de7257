import type { Selectable } from 'kysely';

// Slack installations (many-workspace mode); schema.ts's Database includes them.

export interface SlackInstallationTable {
  /** `T:<team id>`, or `E:<enterprise id>` for an org-wide install. */
  install_key: string;
  team_id: string | null;
  enterprise_id: string | null;
  is_enterprise_install: number;
  team_url: string | null;
  bot_user_id: string | null;
  bot_id: string | null;
  /** Bolt's Installation as JSON, tokens included; `enc:v1:…` when encrypted with WEAVER_SECRET_KEY. */
  installation: string;
  bot_expires_at: number | null;
  installed_at: number;
  updated_at: number;
}

export interface SlackInstallationTeamTable {
  team_id: string;
  enterprise_id: string;
}

export interface SlackOauthStateTable {
  state_id: string;
  used_at: number;
}

export interface InstallationTables {
  slack_installation: SlackInstallationTable;
  slack_installation_team: SlackInstallationTeamTable;
  slack_oauth_state: SlackOauthStateTable;
}

export type SlackInstallationRow = Selectable<SlackInstallationTable>;
