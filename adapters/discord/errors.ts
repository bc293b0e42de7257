import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { DeliveryError } from '../../src/kernel/ports.js';

/** Discord's JSON error codes that no retry will cure (Opcodes and Status Codes, "JSON Error Codes"). */
export const discordErrorCodes = {
  unknownChannel: 10003,
  unknownMessage: 10008,
  unknownInteraction: 10062,
  openingDirectMessagesTooFast: 40003,
  missingAccess: 50001,
  cannotMessageUser: 50007,
  missingPermissions: 50013,
  threadAlreadyCreated: 160004,
} as const;

export function discordErrorCode(error: unknown): number | undefined {
  return error instanceof DiscordAPIError && typeof error.code === 'number' ? error.code : undefined;
}

/** Turns a failed Discord call into the DeliveryError the core understands; anything else is a bug and is returned as is. */
export function toDeliveryError(error: unknown, what: string): unknown {
  if (error instanceof DeliveryError) return error;
  if (error instanceof RateLimitError) {
    // A 429 without a Retry-After (or a bucket known to be empty) still waits for its reset, and a moment at least.
    const waitMs = Math.max(error.retryAfter, error.timeToReset, 1000);
    return new DeliveryError(`${what}: Discord asks us to wait ${Math.ceil(waitMs / 1000)} s (rate limit on ${error.route})`, false, waitMs);
  }
  if (error instanceof DiscordAPIError) {
    if (error.status === 429) return new DeliveryError(`${what}: rate limited by Discord`, false);
    // Discord's own limit on new DM channels, which it publishes no number for: a wait, not a refusal.
    if (error.code === discordErrorCodes.openingDirectMessagesTooFast) return new DeliveryError(`${what}: Discord says DMs are opened too fast`, false, 60_000);
    return new DeliveryError(`${what}: Discord answered ${error.status} ${error.message} (code ${String(error.code)})`, error.status < 500);
  }
  if (error instanceof HTTPError) return new DeliveryError(`${what}: Discord answered ${error.status} after retries`, false);
  if (error instanceof Error && (error.name === 'AbortError' || 'code' in error)) return new DeliveryError(`${what}: ${error.message}`, false);
  // Node's fetch fails with a TypeError when the connection drops (reset, closed mid-answer): transient, said in one line.
  if (error instanceof TypeError && error.message.startsWith('fetch failed')) {
    const cause = error.cause instanceof Error ? error.cause : undefined;
    const why = cause ? ['code' in cause && typeof cause.code === 'string' ? cause.code : undefined, cause.message].filter(Boolean).join(' ') : 'no answer';
    return new DeliveryError(`${what}: the connection to Discord failed (${why})`, false);
  }
  return error;
}

/** An error as it may be logged: Discord errors carry request URLs with interaction and webhook tokens, which are masked. */
export function loggableError(error: unknown): unknown {
  if (!(error instanceof DiscordAPIError || error instanceof HTTPError || error instanceof RateLimitError)) return error;
  const url = 'url' in error ? String(error.url).replace(/\/(interactions\/\d+|webhooks\/\d+)\/[^/?]+/, '/$1/[token]') : undefined;
  const code = error instanceof DiscordAPIError ? error.code : undefined;
  const status = error instanceof RateLimitError ? 429 : error.status;
  return { type: error.name, message: error.message, code, status, method: error.method, url };
}

/** One sentence for the person at the keyboard when Weaver cannot start on Discord; never the token, never a stack. */
export function describeStartFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/invalid token|401/i.test(message)) return 'Discord refused DISCORD_TOKEN: copy the bot token again from the Developer Portal (Bot, Reset Token).';
  if (/disallowed intents/i.test(message)) {
    return 'Discord refused the Message Content intent: turn it on in the Developer Portal (Bot, Privileged Gateway Intents).';
  }
  if (/sharding is required/i.test(message)) {
    return 'Discord requires more shards for this bot’s servers: set DISCORD_SHARDS to auto, or to a larger number in every process.';
  }
  if (/ECONNREFUSED|ENOTFOUND|fetch failed|timed out/i.test(message)) return `Weaver cannot reach Discord at DISCORD_API_URL (${message}).`;
  return `Weaver could not connect to Discord: ${message}`;
}
