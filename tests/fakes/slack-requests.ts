import { createHmac } from 'node:crypto';

/**
 * Requests as Slack sends them to a request URL (docs.slack.dev/authentication/verifying-requests-from-slack):
 * slash commands form-encoded, interactivity as a `payload` form field holding JSON, Events API as JSON, each
 * signed with `v0=HMAC-SHA256(secret, "v0:<timestamp>:<raw body>")`.
 */

export const testSigningSecret = 'fake-signing-secret-0123456789abcdef';

export type SendOptions = Readonly<{
  secret?: string;
  /** Unix seconds; now unless a test wants a stale or future request. */
  timestamp?: number;
  /** Replaces the computed signature (forgery); null sends none. */
  signature?: string | null;
  headers?: Record<string, string>;
}>;

export function signBody(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export async function postSigned(url: string, body: string, contentType: string, options: SendOptions = {}): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = options.signature === undefined ? signBody(options.secret ?? testSigningSecret, timestamp, body) : options.signature;
  const headers: Record<string, string> = { 'content-type': contentType, 'x-slack-request-timestamp': String(timestamp), ...options.headers };
  if (signature !== null) headers['x-slack-signature'] = signature;
  return fetch(url, { method: 'POST', headers, body });
}

export type SlashCommandFields = Readonly<{
  text: string;
  userId: string;
  userName?: string;
  channelId: string;
  channelName?: string;
  teamId?: string;
  responseUrl: string;
}>;

/** The form fields of a slash command (docs.slack.dev/interactivity/implementing-slash-commands). */
export function slashCommandBody(fields: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: fields.teamId ?? 'T0WEAVER',
    team_domain: 'weaver-test',
    channel_id: fields.channelId,
    channel_name: fields.channelName ?? fields.channelId.toLowerCase(),
    user_id: fields.userId,
    user_name: fields.userName ?? fields.userId.toLowerCase(),
    command: '/cop',
    text: fields.text,
    api_app_id: 'A0WEAVER',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
  }).toString();
}

export function sendSlashCommand(requestUrl: string, fields: SlashCommandFields, options?: SendOptions): Promise<Response> {
  return postSigned(requestUrl, slashCommandBody(fields), 'application/x-www-form-urlencoded', options);
}

export function sendInteraction(requestUrl: string, payload: object, options?: SendOptions): Promise<Response> {
  return postSigned(requestUrl, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', options);
}

export type Clicker = Readonly<{ userId: string; userName?: string; channelId: string; channelName?: string; teamId?: string; responseUrl: string }>;

/**
 * A block_actions payload for a click on a button of a message (docs.slack.dev/reference/interaction-payloads/block_actions-payload).
 * Without `posted`, the button is on an ephemeral answer; with it, on a message the bot posted in the channel.
 */
export function blockActionsPayload(
  who: Clicker,
  button: { action_id: string; value: string; text?: string },
  messageTs = '1763892000.000001',
  posted?: { text: string; blocks?: unknown },
) {
  const teamId = who.teamId ?? 'T0WEAVER';
  return {
    type: 'block_actions',
    user: { id: who.userId, username: who.userName ?? who.userId.toLowerCase(), name: who.userName ?? who.userId.toLowerCase(), team_id: teamId },
    api_app_id: 'A0WEAVER',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: messageTs, channel_id: who.channelId, is_ephemeral: posted === undefined },
    ...(posted ? { message: { type: 'message', user: 'U0BOT', bot_id: 'B0BOT', ts: messageTs, text: posted.text, blocks: posted.blocks ?? [] } } : {}),
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
    team: { id: teamId, domain: 'weaver-test' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: who.channelId, name: who.channelName ?? who.channelId.toLowerCase() },
    state: { values: {} },
    response_url: who.responseUrl,
    actions: [
      {
        action_id: button.action_id,
        block_id: 'b1',
        text: { type: 'plain_text', text: button.text ?? 'Join', emoji: true },
        value: button.value,
        type: 'button',
        action_ts: '1763892001.000200',
      },
    ],
  };
}

/** A message shortcut payload (docs.slack.dev/reference/interaction-payloads/shortcuts-interaction-payload). */
export function messageShortcutPayload(who: Clicker, message: { ts: string; user: string; text: string; thread_ts?: string }, callbackId = 'harvest_answer') {
  const teamId = who.teamId ?? 'T0WEAVER';
  return {
    type: 'message_action',
    token: 'deprecated-verification-token',
    action_ts: '1763892001.000300',
    team: { id: teamId, domain: 'weaver-test' },
    user: { id: who.userId, name: who.userName ?? who.userId.toLowerCase(), username: who.userName ?? who.userId.toLowerCase(), team_id: teamId },
    channel: { id: who.channelId, name: who.channelName ?? who.channelId.toLowerCase() },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: callbackId,
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
    response_url: who.responseUrl,
    message_ts: message.ts,
    message: { type: 'message', ...message },
  };
}

/** An Events API event_callback envelope (docs.slack.dev/apis/events-api). */
export function eventEnvelope(event: Record<string, unknown>, eventId: string, teamId = 'T0WEAVER') {
  return {
    token: 'deprecated-verification-token',
    team_id: teamId,
    api_app_id: 'A0WEAVER',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: 1763892000,
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

export function sendEvent(requestUrl: string, envelope: object, options: SendOptions & { retryNum?: number } = {}): Promise<Response> {
  const retry: Record<string, string> =
    options.retryNum === undefined ? {} : { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' };
  return postSigned(requestUrl, JSON.stringify(envelope), 'application/json', { ...options, headers: { ...retry, ...options.headers } });
}

/**
 * A view_submission payload for a modal (docs.slack.dev/reference/interaction-payloads/view-interactions-payload):
 * `values` by block id, each the state of its one element as Slack sends it (selected_option, selected_date…).
 */
export function viewSubmissionPayload(
  who: { userId: string; userName?: string; teamId?: string },
  view: { id: string; callback_id: string; private_metadata?: string },
  values: Record<string, Record<string, unknown>>,
) {
  const teamId = who.teamId ?? 'T0WEAVER';
  return {
    type: 'view_submission',
    team: { id: teamId, domain: 'weaver-test' },
    user: { id: who.userId, username: who.userName ?? who.userId.toLowerCase(), name: who.userName ?? who.userId.toLowerCase(), team_id: teamId },
    api_app_id: 'A0WEAVER',
    token: 'deprecated-verification-token',
    trigger_id: '13345224609.738474920.8088930838d88f008e1',
    view: {
      id: view.id,
      team_id: teamId,
      type: 'modal',
      callback_id: view.callback_id,
      private_metadata: view.private_metadata ?? '',
      state: { values: Object.fromEntries(Object.entries(values).map(([block, state]) => [block, { value: state }])) },
      hash: '156772938.1827394',
      title: { type: 'plain_text', text: 'Form' },
      blocks: [],
      app_id: 'A0WEAVER',
      bot_id: 'B0BOT',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** The app_home_opened event (docs.slack.dev/reference/events/app_home_opened). */
export function appHomeOpened(userId: string, tab: 'home' | 'messages' = 'home') {
  return { type: 'app_home_opened', user: userId, channel: `D${userId}`, tab, event_ts: '1763892000.000100' };
}

/** A block_actions payload for a click in the app's Home tab: it carries the view, and no channel or response_url. */
export function homeBlockActionsPayload(
  who: { userId: string; userName?: string; teamId?: string },
  button: { action_id: string; value: string; text?: string },
) {
  const teamId = who.teamId ?? 'T0WEAVER';
  return {
    type: 'block_actions',
    user: { id: who.userId, username: who.userName ?? who.userId.toLowerCase(), name: who.userName ?? who.userId.toLowerCase(), team_id: teamId },
    api_app_id: 'A0WEAVER',
    token: 'deprecated-verification-token',
    container: { type: 'view', view_id: 'V0HOME' },
    trigger_id: '13345224609.738474920.8088930838d88f008e2',
    team: { id: teamId, domain: 'weaver-test' },
    enterprise: null,
    is_enterprise_install: false,
    view: {
      id: 'V0HOME',
      team_id: teamId,
      type: 'home',
      blocks: [],
      private_metadata: '',
      callback_id: '',
      state: { values: {} },
      hash: '1',
      app_id: 'A0WEAVER',
      bot_id: 'B0BOT',
    },
    actions: [
      {
        action_id: button.action_id,
        block_id: 'b1',
        text: { type: 'plain_text', text: button.text ?? 'Yes', emoji: true },
        value: button.value,
        type: 'button',
        action_ts: '1763892001.000200',
      },
    ],
  };
}
