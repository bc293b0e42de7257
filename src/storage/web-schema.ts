import type { Platform } from '../kernel/identity.js';

// The web pages' sign-in links and sessions; schema.ts's Database includes them. Secrets are stored as sha256 hashes.

export interface WebSignInTable {
  token_hash: string;
  platform: Platform;
  workspace_id: string;
  user_id: string;
  /** 1 when the platform said the one who asked is an admin (Slack workspace admin, Discord Manage Server). */
  platform_admin: number;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface WebSessionTable {
  token_hash: string;
  platform: Platform;
  workspace_id: string;
  user_id: string;
  platform_admin: number;
  created_at: number;
  expires_at: number;
}

export type WebTables = { web_sign_in: WebSignInTable; web_session: WebSessionTable };
