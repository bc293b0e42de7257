import { z } from 'zod';
import { isValidTimeZone } from '../kernel/time.js';
import { parseAdmins } from '../kernel/identity.js';
import type { Config } from '../kernel/settings.js';

export type { Config };
import { parseDuration } from '../kernel/duration.js';

const optionalText = z.string().trim().min(1).optional();

/** A duration from 1 s to 1 h, in seconds (`90s`) or as parseDuration reads it (`2m`). */
function takeoverDuration(fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const seconds = /^\s*(\d{1,4})\s*s\s*$/i.exec(value);
      const range = { min: 1_000, max: 3_600_000 };
      const ms = seconds ? Number(seconds[1]) * 1000 : parseDuration(value, range);
      if (ms !== undefined && ms >= range.min && ms <= range.max) return ms;
      ctx.addIssue({ code: 'custom', message: 'must be a duration from 1s to 1h, e.g. 90s or 2m' });
      return z.NEVER;
    });
}

// DISCORD_SHARDS: Discord's largest bots run a few thousand shards; the cap only keeps a typo from spawning millions.
const maxShards = 100_000;
const shardCountMessage = `must be auto or a whole number from 1 to ${maxShards}`;
const shardIdsMessage = 'must be shard ids counted from 0, listed or as ranges, such as 0,2 or 0-3';

function parseShardCount(value: string): 'auto' | number | undefined {
  const text = value.trim().toLowerCase();
  if (text === 'auto') return 'auto';
  const count = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  return count >= 1 && count <= maxShards ? count : undefined;
}

/** `0,2`, `0-3` or both (`0-3,8`): the ids in order, each once. */
function parseShardIds(value: string): number[] | undefined {
  const ids = new Set<number>();
  for (const part of value.split(',')) {
    const range = /^\s*(\d{1,6})\s*(?:-\s*(\d{1,6})\s*)?$/.exec(part);
    if (!range) return undefined;
    const [from, to] = [Number(range[1]), Number(range[2] ?? range[1])];
    if (from > to || to >= maxShards) return undefined;
    for (let id = from; id <= to; id++) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

const schema = z.object({
  DATABASE_PATH: z.string().trim().min(1).default('./data/weaver.db'),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\/\S+$/i, 'must be a PostgreSQL URL, e.g. postgres://weaver@db.example:5432/weaver')
    .optional(),
  PORT: z.coerce.number({ message: 'must be a port number from 0 to 65535' }).int().min(0).max(65535, 'must be a port number from 0 to 65535').default(3000),
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_CLIENT_ID: optionalText,
  SLACK_CLIENT_SECRET: optionalText,
  SLACK_STATE_SECRET: z.string().trim().min(16, 'must be at least 16 characters (a long random string)').optional(),
  WEAVER_SECRET_KEY: z.string().trim().min(16, 'must be at least 16 characters (a long random string)').optional(),
  SLACK_API_URL: z
    .url({ message: 'must be an http(s) URL ending in /' })
    .refine((url) => url.endsWith('/'), 'must end in /')
    .default('https://slack.com/api/'),
  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: z
    .string()
    .regex(/^\d{17,20}$/, 'must be a Discord snowflake (17 to 20 digits)')
    .optional(),
  DISCORD_API_URL: z.url({ message: 'must be an http(s) URL' }).default('https://discord.com/api'),
  DISCORD_GUILD_ID: z
    .string()
    .regex(/^\d{17,20}$/, 'must be a Discord snowflake (17 to 20 digits)')
    .optional(),
  DISCORD_SHARDS: z
    .string()
    .default('auto')
    .transform((value, ctx) => {
      const count = parseShardCount(value);
      if (count === undefined) ctx.addIssue({ code: 'custom', message: shardCountMessage });
      return count ?? z.NEVER;
    }),
  DISCORD_SHARD_IDS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      const ids = parseShardIds(value);
      if (ids === undefined) ctx.addIssue({ code: 'custom', message: shardIdsMessage });
      return ids ?? z.NEVER;
    }),
  WEAVER_ADMINS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const parsed = parseAdmins(value);
      if ('error' in parsed) {
        ctx.addIssue({ code: 'custom', message: parsed.error });
        return z.NEVER;
      }
      return parsed.admins;
    }),
  DEFAULT_TIMEZONE: z.string().default('UTC').refine(isValidTimeZone, 'must be an IANA time zone such as Europe/London'),
  CORE_LIMIT: z.coerce
    .number({ message: 'must be a whole number from 1 to 100' })
    .int('must be a whole number from 1 to 100')
    .min(1, 'must be a whole number from 1 to 100')
    .max(100, 'must be a whole number from 1 to 100')
    .default(1),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error'], { message: 'must be debug, info, warn or error' }).default('info'),
  DOWNTIME_GRACE: z
    .string()
    .default('60')
    .transform((value, ctx) => {
      // A bare number is minutes, as in the first version of this setting.
      const ms = parseDuration(/^\s*\d+\s*$/.test(value) ? `${value.trim()}m` : value, { min: 0, max: 7 * 86_400_000 });
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be minutes, like 60, or a duration like 90m or 2h, up to 7d' });
        return z.NEVER;
      }
      return ms;
    }),
  PUBLIC_URL: z.url({ message: 'must be an http(s) URL, the address where Weaver is reached from outside' }).optional(),
  HARVEST_REMINDER_DELAY: z
    .string()
    .default('24h')
    .transform((value, ctx) => {
      const ms = parseDuration(value, { min: 60_000, max: 30 * 86_400_000 });
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration from 1m to 30d, e.g. 90m, 24h or 2d' });
        return z.NEVER;
      }
      return ms;
    }),
  // How long a send may take before its claim lapses and the row is looked for and, if absent, sent again.
  OUTBOX_CLAIM_TIMEOUT: takeoverDuration('2m'),
  // How long a dead scheduler's lease keeps another process from scheduling.
  SCHEDULER_LEASE: takeoverDuration('60s'),
  BRIDGE_DELAY: z
    .string()
    .default('24h')
    .transform((value, ctx) => {
      if (value.trim().toLowerCase() === 'off') return null;
      const ms = parseDuration(value, { min: 60_000, max: 30 * 86_400_000 });
      if (ms === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration from 1m to 30d, e.g. 90m, 24h or 2d, or off' });
        return z.NEVER;
      }
      return ms;
    }),
});

// Settings that only make sense together; checked apart from the schema so that every problem is named in one start.
function checkCombinations(env: Record<string, string | undefined>): string[] {
  const errors: string[] = [];
  if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    errors.push('SLACK_SIGNING_SECRET is required for Slack over HTTP (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  if (env.SLACK_APP_TOKEN && !env.SLACK_APP_TOKEN.startsWith('xapp-')) errors.push('SLACK_APP_TOKEN must be an app-level token starting with xapp-');
  const oauthNames = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'];
  const oauthMissing = oauthNames.filter((name) => !env[name]);
  if (oauthMissing.length > 0 && oauthMissing.length < oauthNames.length) {
    errors.push(`Slack in many workspaces needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET together; missing: ${oauthMissing.join(', ')}`);
  }
  if (oauthMissing.length === 0 && !env.SLACK_BOT_TOKEN) {
    if (env.SLACK_APP_TOKEN) errors.push('Slack in many workspaces runs over HTTP (its install pages need it): unset SLACK_APP_TOKEN');
    else if (!env.SLACK_SIGNING_SECRET) errors.push('SLACK_SIGNING_SECRET is required for Slack in many workspaces (with SLACK_CLIENT_ID)');
  }
  if (env.DISCORD_TOKEN && !env.DISCORD_APPLICATION_ID) errors.push('DISCORD_APPLICATION_ID is required when DISCORD_TOKEN is set');
  const error = checkShardIds(env.DISCORD_SHARDS ?? 'auto', env.DISCORD_SHARD_IDS);
  if (error) errors.push(error);
  return errors;
}

// Each process takes the servers of its shards; unless all of them count the same shards, some servers would be served twice or never.
function checkShardIds(countText: string, idsText: string | undefined): string | undefined {
  const count = parseShardCount(countText);
  const ids = idsText === undefined ? undefined : parseShardIds(idsText);
  if (count === undefined || ids === undefined) return undefined;
  if (count === 'auto') {
    return 'DISCORD_SHARD_IDS needs DISCORD_SHARDS set to a number, the same in every process, not auto: Discord’s recommendation can change between starts';
  }
  const beyond = ids.find((id) => id >= count);
  if (beyond !== undefined) {
    return `DISCORD_SHARD_IDS names shard ${beyond}, but with DISCORD_SHARDS=${count} the shards are ${count === 1 ? '0 only' : `0 to ${count - 1}`}`;
  }
  return undefined;
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** Reads every setting at once, so that a bad start names all that is wrong, never a secret's value. */
export function loadConfig(env: Record<string, string | undefined>): ConfigResult {
  const blanksRemoved = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = schema.safeParse(blanksRemoved);
  const errors = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || 'settings'} ${issue.message}`)),
    ...checkCombinations(blanksRemoved),
  ];
  if (!parsed.success || errors.length > 0) return { ok: false, errors: [...new Set(errors)] };
  const e = parsed.data;
  const config: Config = {
    databasePath: e.DATABASE_PATH,
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    slack: e.SLACK_BOT_TOKEN
      ? { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL }
      : e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET && e.SLACK_STATE_SECRET
        ? {
            signingSecret: e.SLACK_SIGNING_SECRET,
            apiUrl: e.SLACK_API_URL,
            oauth: { clientId: e.SLACK_CLIENT_ID, clientSecret: e.SLACK_CLIENT_SECRET, stateSecret: e.SLACK_STATE_SECRET },
            secretKey: e.WEAVER_SECRET_KEY,
          }
        : undefined,
    discord:
      e.DISCORD_TOKEN && e.DISCORD_APPLICATION_ID
        ? {
            token: e.DISCORD_TOKEN,
            applicationId: e.DISCORD_APPLICATION_ID,
            apiUrl: e.DISCORD_API_URL,
            guildId: e.DISCORD_GUILD_ID,
            shards: e.DISCORD_SHARDS === 'auto' ? { count: 'auto' as const } : { count: e.DISCORD_SHARDS, ids: e.DISCORD_SHARD_IDS },
          }
        : undefined,
    admins: e.WEAVER_ADMINS,
    defaultTimezone: e.DEFAULT_TIMEZONE,
    coreLimit: e.CORE_LIMIT,
    logLevel: e.LOG_LEVEL,
    downtimeGraceMs: e.DOWNTIME_GRACE,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    harvestReminderDelayMs: e.HARVEST_REMINDER_DELAY,
    outboxClaimMs: e.OUTBOX_CLAIM_TIMEOUT,
    schedulerLeaseMs: e.SCHEDULER_LEASE,
    bridgeDelayMs: e.BRIDGE_DELAY,
    secretKey: e.WEAVER_SECRET_KEY,
  };
  return { ok: true, config: Object.freeze(config) };
}
