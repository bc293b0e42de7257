import type { AdminId } from './identity.js';

/** The settings the core's rules depend on, taken from the validated config. */
export type CoreSettings = Readonly<{
  admins: readonly AdminId[];
  coreLimit: number;
  defaultTimezone: string;
  /** How late a missed scheduled post may still go out after downtime (DOWNTIME_GRACE); 60 minutes when unset. */
  downtimeGraceMs?: number;
  /** Where Weaver's HTTP server is reached from outside (PUBLIC_URL), for calendar links; none when unset. */
  publicUrl?: string;
  /** How long a question thread with replies waits for a marked answer before the asker is reminded. */
  harvestReminderDelayMs: number;
  /** How long a send may take before another sender may take its row (OUTBOX_CLAIM_TIMEOUT); 2 minutes when unset. */
  outboxClaimMs?: number;
  /** How long a question waits for a reply before it is bridged to other communities (BRIDGE_DELAY); null is off, unset 24h. */
  bridgeDelayMs?: number | null;
  /** WEAVER_SECRET_KEY: signs sign-in links and sessions; without it a random key is kept in the database. */
  secretKey?: string;
}>;

/** Slack in many workspaces (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET): workspaces install Weaver by OAuth. */
export type SlackOAuthSettings = Readonly<{ clientId: string; clientSecret: string; stateSecret: string }>;

/** One workspace by `botToken`, or many by `oauth` (then each workspace's token is kept in the database). */
export type SlackSettings = Readonly<{
  botToken?: string;
  signingSecret?: string;
  appToken?: string;
  apiUrl: string;
  oauth?: SlackOAuthSettings;
  /** WEAVER_SECRET_KEY: stored Slack tokens are encrypted with a key derived from it; stored as given without it. */
  secretKey?: string;
}>;
/**
 * DISCORD_SHARDS and DISCORD_SHARD_IDS: how many shards the bot's servers are split into (`auto`: as many as Discord's
 * GET /gateway/bot recommends), and which of them this process runs (all when `ids` is unset; only with a number).
 */
export type DiscordShards = Readonly<{ count: 'auto' } | { count: number; ids?: readonly number[] }>;
export type DiscordSettings = Readonly<{ token: string; applicationId: string; apiUrl: string; guildId?: string; shards?: DiscordShards }>;

/** Every setting, validated once at start by app/config.ts. */
export type Config = Readonly<{
  databasePath: string;
  /** DATABASE_URL: PostgreSQL, shared by any number of Weaver processes; the SQLite file at databasePath when unset. */
  databaseUrl?: string;
  port: number;
  slack?: SlackSettings;
  discord?: DiscordSettings;
  admins: readonly AdminId[];
  defaultTimezone: string;
  coreLimit: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** How late a missed scheduled post may still be sent after downtime. */
  downtimeGraceMs: number;
  /** The HTTP server's address as seen from outside, for calendar links; start.ts falls back to localhost on PORT. */
  publicUrl?: string;
  /** How long a question thread with replies waits for a marked answer before the asker is reminded. */
  harvestReminderDelayMs: number;
  /** How long a send may take before its claim lapses (OUTBOX_CLAIM_TIMEOUT). */
  outboxClaimMs: number;
  /** How long a scheduler's lease lasts without renewal (SCHEDULER_LEASE): a crashed process's successor waits this. */
  schedulerLeaseMs: number;
  /** BRIDGE_DELAY: how long a question waits for a reply before it is bridged; null when off. */
  bridgeDelayMs: number | null;
  /** Signs sign-in links and sessions of the web pages (WEAVER_SECRET_KEY); never logged. */
  secretKey?: string;
}>;

/** Where the database is: DATABASE_URL when set, else the SQLite file. */
export function databaseLocation(config: Pick<Config, 'databasePath' | 'databaseUrl'>): string {
  return config.databaseUrl ?? config.databasePath;
}
