import { webApi } from '@slack/bolt';
import { DeliveryError } from '../../src/kernel/ports.js';

const { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } = webApi;

// Slack's `error` codes that say "not now" rather than "never"; every other `ok: false` is a refusal that a retry would repeat.
const temporaryErrors = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** The Slack error code of a failed Web API call (`ratelimited` for HTTP 429), or undefined for a network failure or a bug. */
export function slackErrorCode(error: unknown): string | undefined {
  if (error instanceof WebAPIPlatformError) return error.data.error;
  if (error instanceof WebAPIRateLimitedError) return 'ratelimited';
  if (error instanceof WebAPIHTTPError) return `http_${error.statusCode}`;
  return undefined;
}

/** How long Slack asked us to wait, when it did. */
export function retryAfterMs(error: unknown): number | undefined {
  return error instanceof WebAPIRateLimitedError ? error.retryAfter * 1000 : undefined;
}

/**
 * Any failure of a Web API call as the DeliveryError the core understands: rate limits, 5xx and network failures
 * may succeed later; channel_not_found, not_in_channel, is_archived, invalid_auth, token_revoked and the like will not.
 */
export function toDeliveryError(error: unknown, what: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const code = slackErrorCode(error);
  if (error instanceof WebAPIRateLimitedError) return new DeliveryError(`${what}: Slack rate limit`, false, retryAfterMs(error));
  if (error instanceof WebAPIPlatformError) {
    return new DeliveryError(`${what}: Slack said ${code}`, !temporaryErrors.has(code ?? ''));
  }
  if (error instanceof WebAPIHTTPError)
    return new DeliveryError(`${what}: Slack answered HTTP ${error.statusCode}`, error.statusCode < 500 && error.statusCode !== 408);
  if (error instanceof WebAPIRequestError) return new DeliveryError(`${what}: could not reach Slack (${error.original.message})`, false);
  return new DeliveryError(`${what}: ${error instanceof Error ? error.message : String(error)}`, false);
}

/** One sentence for a person, about a Slack failure they can act on, or undefined when it is ours to log. */
export function describeForPerson(error: unknown): string | undefined {
  const code = slackErrorCode(error);
  switch (code) {
    case 'ratelimited':
      return `Slack asked Weaver to slow down; please try again in ${Math.max(1, Math.ceil((retryAfterMs(error) ?? 30_000) / 1000))} seconds.`;
    case 'invalid_auth':
    case 'not_authed':
    case 'token_revoked':
    case 'token_expired':
    case 'account_inactive':
      return 'Weaver’s Slack token is no longer accepted; ask a workspace admin to reinstall the app and update SLACK_BOT_TOKEN.';
    case 'missing_scope':
      return 'Weaver’s Slack app lacks a permission it needs; ask a workspace admin to reinstall it from the app manifest.';
    case 'is_archived':
      return 'This channel is archived, so Weaver cannot post in it.';
    default:
      return undefined;
  }
}
