import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { answerWithFaults, platformLimits, tokenBucket, type FaultPlan } from './faults.js';

/**
 * A local stand-in for Slack's Web API (POST /api/<method>, form-encoded or JSON, token as a Bearer header), the
 * file upload URLs it hands out, and response_url endpoints (POST /respond/<id>). It answers as Slack documents
 * (docs.slack.dev/reference/methods), records every call, and lets a test script failures or hold a call.
 * Socket Mode too: apps.connections.open (with an xapp- token) hands out a WebSocket on the same server.
 */

export type FakeUser = {
  id: string;
  name: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_bot?: boolean;
  /** Their own workspace; fakeTeam's by default. */ team?: string;
};
/** `teams`: the workspaces that see the channel (two for a Slack Connect channel); every workspace when absent. */
export type FakeChannel = { id: string; name: string; is_private?: boolean; is_member?: boolean; is_archived?: boolean; teams?: string[] };

/** A workspace of the fake, with its bot. Tokens are issued to it by installs (or `token` is valid from the start). */
export type FakeTeam = Readonly<{ id: string; name: string; domain: string; url: string; botUserId: string; botId: string; token?: string }>;

/** The Slack app's OAuth credentials the fake checks, and whether it rotates tokens (each lives `expiresIn` seconds). */
export type FakeOAuth = Readonly<{ clientId: string; clientSecret: string; appId?: string; rotation?: { expiresIn: number } }>;

export type ApiCall = Readonly<{ seq: number; method: string; token?: string; params: Record<string, unknown> }> & {
  /** What the fake answered, once it has (a posted message's `ts` is there). */
  answer?: Record<string, unknown>;
};
export type ResponseUrlPost = Readonly<{ seq: number; id: string; body: Record<string, unknown> }>;
export type Upload = Readonly<{ seq: number; fileId: string; bytes: number; content: string }>;

/** A scripted failure: Slack's `ok: false` with an error code, or an HTTP status (429 with Retry-After seconds). */
export type Failure = Readonly<{ error: string }> | Readonly<{ status: number; retryAfter?: number }>;

export type StoredMessage = {
  type: 'message';
  user: string;
  bot_id: string;
  text: string;
  ts: string;
  thread_ts?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
};

export type Gate = Readonly<{ reached: Promise<void>; release(): void }>;

export const fakeTeam = { id: 'T0WEAVER', domain: 'weaver-test', url: 'https://weaver-test.slack.com/' } as const;
export const fakeBot = { userId: 'U0BOT', botId: 'B0BOT', token: 'xoxb-fake-token', appToken: 'xapp-1-A0WEAVER-1-fake' } as const;

export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>;

export async function startFakeSlack(
  options: {
    users?: FakeUser[];
    channels?: FakeChannel[];
    validTokens?: string[];
    teams?: FakeTeam[];
    oauth?: FakeOAuth;
    /** Injected faults (tests/fakes/faults.ts); none by default. */
    faults?: FaultPlan;
    /** Enforce Slack's posting limits on chat.postMessage, answering 429 with Retry-After; off by default. */
    rateLimited?: boolean;
  } = {},
) {
  const users = new Map((options.users ?? []).map((user) => [user.id, { ...user }]));
  const channels = new Map((options.channels ?? []).map((channel) => [channel.id, { ...channel }]));
  const validTokens = new Set(options.validTokens ?? [fakeBot.token]);
  /** Multi-person DMs opened with conversations.open: id → members (the bot included). */
  const groupDms = new Map<string, string[]>();
  const defaultTeam: FakeTeam = { ...fakeTeam, name: 'Weaver Test', botUserId: fakeBot.userId, botId: fakeBot.botId, token: fakeBot.token };
  const teams = new Map([defaultTeam, ...(options.teams ?? [])].map((team) => [team.id, team]));
  // Which workspace each bot token speaks for; tokens issued by installs and refreshes join it.
  const tokenTeams = new Map<string, string>([...validTokens].map((token) => [token, defaultTeam.id]));
  for (const team of options.teams ?? []) {
    if (!team.token) continue;
    validTokens.add(team.token);
    tokenTeams.set(team.token, team.id);
  }
  const oauthCodes = new Map<string, string>();
  const refreshTokens = new Map<string, { team: string; used: boolean }>();
  let installCounter = 0;
  let pendingInstallTeam: string | undefined;
  const calls: ApiCall[] = [];
  const authorizeRequests: Record<string, string>[] = [];
  const responses: ResponseUrlPost[] = [];
  const uploads: Upload[] = [];
  const failures = new Map<string, Failure[]>();
  const slow = new Map<string, number>();
  const gates = new Map<string, { release: () => void; opened: Promise<void>; reached: () => void }>();
  const waiters = new Set<() => void>();
  let seq = 0;
  let tsCounter = 0;
  let fileCounter = 0;
  let responseCounter = 0;
  let viewCounter = 0;
  /** Modals opened, by view id; each user's published Home tab. */
  const views = new Map<string, Record<string, any>>();
  const homes = new Map<string, Record<string, any>>();

  const notify = () => [...waiters].forEach((wake) => wake());
  // A message's ts is the second Slack received it, as on Slack (made unique by the counter in the fraction).
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++tsCounter).padStart(6, '0')}`;
  /** Every message posted, by the conversation it landed in (a user id's posts land in `D<user id>`), oldest first. */
  const history = new Map<string, StoredMessage[]>();
  /** Calls refused with 429 by the rate limits (not by injected faults). */
  const limited = { count: 0 };
  const workspaceBucket = tokenBucket(platformLimits.slack.workspacePerSecond, platformLimits.slack.workspaceBurst);
  const channelBuckets = new Map<string, (now: number) => number>();
  function rateLimitWait(method: string, params: Record<string, unknown>): number {
    if (!options.rateLimited || method !== 'chat.postMessage') return 0;
    const channel = String(params.channel ?? '');
    let bucket = channelBuckets.get(channel);
    if (!bucket) channelBuckets.set(channel, (bucket = tokenBucket(platformLimits.slack.perChannelPerSecond, platformLimits.slack.channelBurst)));
    const now = Date.now();
    // A refused call takes no token from the other limit.
    const wait = bucket(now);
    return wait > 0 ? wait : workspaceBucket(now);
  }
  const store = (channel: string, message: StoredMessage) => history.set(channel, [...(history.get(channel) ?? []), message]);

  async function handleApi(
    method: string,
    token: string | undefined,
    params: Record<string, unknown>,
    basicAuth?: { id: string; secret: string },
  ): Promise<[number, Record<string, unknown>, Record<string, string>?]> {
    const gate = gates.get(method);
    if (gate) {
      gate.reached();
      await gate.opened;
    }
    const slowness = slow.get(method);
    if (slowness) {
      // The call takes effect at once and its answer comes late: a post has gone out before the bot hears so.
      const answered = await handleNow(method, token, params, basicAuth);
      await new Promise((resolve) => setTimeout(resolve, slowness));
      return answered;
    }
    return handleNow(method, token, params, basicAuth);
  }

  async function handleNow(
    method: string,
    token: string | undefined,
    params: Record<string, unknown>,
    basicAuth?: { id: string; secret: string },
  ): Promise<[number, Record<string, unknown>, Record<string, string>?]> {
    const scripted = failures.get(method)?.shift();
    if (scripted) {
      if ('error' in scripted) return [200, { ok: false, error: scripted.error }];
      const headers: Record<string, string> = scripted.retryAfter === undefined ? {} : { 'retry-after': String(scripted.retryAfter) };
      return [scripted.status, { ok: false, error: scripted.status === 429 ? 'ratelimited' : 'fatal_error' }, headers];
    }
    if (method === 'apps.connections.open') {
      if (token !== fakeBot.appToken) return [200, { ok: false, error: token?.startsWith('xapp-') ? 'invalid_auth' : 'not_allowed_token_type' }];
      return [200, { ok: true, url: `${baseUrl.replace('http', 'ws')}/socket` }];
    }
    if (method === 'oauth.v2.access') return [200, exchange(params, basicAuth)];
    if (!token || !validTokens.has(token)) return [200, { ok: false, error: token ? 'invalid_auth' : 'not_authed' }];
    return [200, answer(method, params, teams.get(tokenTeams.get(token) ?? '') ?? defaultTeam)];
  }

  // oauth.v2.access (docs.slack.dev/reference/methods/oauth.v2.access): a code from the authorize page for the
  // workspace's bot token, or, with token rotation, a refresh token (good once) for a new pair.
  function exchange(params: Record<string, unknown>, basic: { id: string; secret: string } | undefined): Record<string, unknown> {
    const oauth = options.oauth;
    const clientId = basic?.id ?? String(params.client_id ?? '');
    const clientSecret = basic?.secret ?? String(params.client_secret ?? '');
    if (!oauth || clientId !== oauth.clientId) return { ok: false, error: 'invalid_client_id' };
    if (clientSecret !== oauth.clientSecret) return { ok: false, error: 'bad_client_secret' };
    let teamId: string;
    if (params.grant_type === 'refresh_token') {
      const known = refreshTokens.get(String(params.refresh_token ?? ''));
      if (!known || known.used) return { ok: false, error: 'invalid_refresh_token' };
      known.used = true;
      teamId = known.team;
    } else {
      const code = String(params.code ?? '');
      const found = oauthCodes.get(code);
      if (!found) return { ok: false, error: 'invalid_code' };
      oauthCodes.delete(code);
      teamId = found;
    }
    const team = teams.get(teamId)!;
    const n = ++installCounter;
    const token = oauth.rotation ? `xoxe.xoxb-1-${team.id}-${n}` : `xoxb-${team.id}-${n}`;
    validTokens.add(token);
    tokenTeams.set(token, team.id);
    const rotation: Record<string, unknown> = {};
    if (oauth.rotation) {
      const refreshToken = `xoxe-1-${team.id}-${n}`;
      refreshTokens.set(refreshToken, { team: team.id, used: false });
      Object.assign(rotation, { refresh_token: refreshToken, expires_in: oauth.rotation.expiresIn });
    }
    if (params.grant_type === 'refresh_token') {
      return {
        ok: true,
        app_id: oauth.appId ?? 'A0WEAVER',
        access_token: token,
        token_type: 'bot',
        scope: 'commands,chat:write',
        team: { id: team.id, name: team.name },
        enterprise: null,
        is_enterprise_install: false,
        ...rotation,
      };
    }
    return {
      ok: true,
      app_id: oauth.appId ?? 'A0WEAVER',
      authed_user: { id: 'U0INSTALLER' },
      scope: String(params.scope ?? 'commands,chat:write'),
      token_type: 'bot',
      access_token: token,
      bot_user_id: team.botUserId,
      team: { id: team.id, name: team.name },
      enterprise: null,
      is_enterprise_install: false,
      ...rotation,
    };
  }

  function answer(method: string, params: Record<string, unknown>, team: FakeTeam): Record<string, unknown> {
    const channelId = String(params.channel ?? '');
    const postTarget = (id: string) => postTargetFor(id, team.id);
    switch (method) {
      case 'auth.test':
        return { ok: true, url: team.url, team: team.name, user: 'weaver', team_id: team.id, user_id: team.botUserId, bot_id: team.botId };
      case 'users.info': {
        const user = users.get(String(params.user));
        if (!user) return { ok: false, error: 'user_not_found' };
        const { team: own, ...fields } = user;
        return {
          ok: true,
          user: { team_id: own ?? defaultTeam.id, deleted: false, is_bot: false, is_admin: false, is_owner: false, is_primary_owner: false, ...fields },
        };
      }
      case 'chat.postMessage': {
        const target = postTarget(channelId);
        if ('error' in target) return { ok: false, error: target.error };
        const ts = nextTs();
        const message: StoredMessage = { type: 'message', user: team.botUserId, bot_id: team.botId, text: String(params.text ?? ''), ts };
        if (typeof params.thread_ts === 'string') message.thread_ts = params.thread_ts;
        // Slack keeps event metadata only when it has an event_type and an event_payload object.
        const metadata = params.metadata as StoredMessage['metadata'] | undefined;
        if (metadata && typeof metadata.event_type === 'string' && typeof metadata.event_payload === 'object') {
          message.metadata = { event_type: metadata.event_type, event_payload: metadata.event_payload };
        }
        store(target.id, message);
        const { metadata: _metadata, ...answered } = message;
        return { ok: true, channel: target.id, ts, message: answered };
      }
      case 'conversations.history':
      case 'conversations.replies': {
        // The bot reads what it can see: its DMs, and channels it is a member of.
        const target = channelId.startsWith('D') ? { id: channelId } : postTarget(channelId);
        if ('error' in target) return { ok: false, error: target.error };
        const oldest = Number(params.oldest ?? 0);
        const thread = method === 'conversations.replies' ? String(params.ts ?? '') : undefined;
        if (method === 'conversations.replies' && !thread) return { ok: false, error: 'invalid_arguments' };
        const limit = Math.min(999, Number(params.limit ?? 100));
        const withMetadata = params.include_all_metadata === true || params.include_all_metadata === 'true';
        const found = (history.get(target.id) ?? [])
          .filter((m) => (thread ? m.thread_ts === thread || m.ts === thread : !m.thread_ts || m.thread_ts === m.ts))
          .filter((m) => Number(m.ts) > oldest)
          .map(({ metadata, ...m }) => (withMetadata && metadata ? { ...m, metadata } : m));
        // History comes newest first, replies oldest first, both cut at `limit` with a cursor for the rest.
        const ordered = thread ? found : found.reverse();
        const offset = Number(params.cursor ?? 0);
        const page = ordered.slice(offset, offset + limit);
        const more = offset + limit < ordered.length;
        return { ok: true, messages: page, has_more: more, response_metadata: { next_cursor: more ? String(offset + limit) : '' } };
      }
      case 'chat.postEphemeral': {
        const target = postTarget(channelId);
        return 'error' in target ? { ok: false, error: target.error } : { ok: true, message_ts: nextTs() };
      }
      case 'chat.update': {
        const target = postTarget(channelId);
        return 'error' in target ? { ok: false, error: target.error } : { ok: true, channel: target.id, ts: params.ts, text: params.text };
      }
      case 'chat.getPermalink':
        return { ok: true, channel: channelId, permalink: `${team.url}archives/${channelId}/p${String(params.message_ts).replace('.', '')}` };
      case 'conversations.info': {
        const channel = visible(channelId, team.id);
        // A private channel the bot is not in is invisible to it.
        if (!channel || (channel.is_private && !channel.is_member)) return { ok: false, error: 'channel_not_found' };
        return { ok: true, channel: describeChannel(channel) };
      }
      case 'conversations.join': {
        const channel = visible(channelId, team.id);
        if (!channel || channel.is_private) return { ok: false, error: channel ? 'method_not_supported_for_channel_type' : 'channel_not_found' };
        if (channel.is_archived) return { ok: false, error: 'is_archived' };
        channel.is_member = true;
        return { ok: true, channel: describeChannel(channel) };
      }
      case 'conversations.open': {
        // One user: the app's DM with them. Two to eight: the multi-person DM of that set (with the bot), the same
        // conversation each time for the same people (docs.slack.dev/reference/methods/conversations.open).
        const ids = String(params.users ?? '')
          .split(',')
          .map((id) => id.trim())
          .filter(Boolean);
        if (ids.length === 0) return { ok: false, error: 'users_list_not_supplied' };
        if (ids.length > 8) return { ok: false, error: 'too_many_users' };
        if (ids.some((id) => !users.has(id))) return { ok: false, error: 'user_not_found' };
        if (ids.length === 1) return { ok: true, channel: { id: `D${ids[0]}` } };
        const members = [...new Set([...ids, fakeBot.userId])].sort();
        const id = `G0MPIM${members
          .join('')
          .replace(/[^A-Z0-9]/g, '')
          .slice(0, 24)}`;
        const existed = groupDms.has(id);
        groupDms.set(id, members);
        return { ok: true, already_open: existed, channel: { id, is_mpim: true, is_im: false, is_private: true, created: 1763892000 } };
      }
      // views.open needs a trigger id of the last 3 seconds; a modal has a title and submit of at most 24 characters, 100 blocks.
      case 'views.open': {
        const view = params.view as Record<string, any> | undefined;
        if (!params.trigger_id) return { ok: false, error: 'invalid_arguments' };
        if (!view || view.type !== 'modal') return { ok: false, error: 'invalid_arguments' };
        if (String(view.title?.text ?? '').length > 24 || String(view.submit?.text ?? '').length > 24 || (view.blocks ?? []).length > 100) {
          return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] must be less than 25 characters'] } };
        }
        const viewId = `V${String(++viewCounter).padStart(6, '0')}`;
        views.set(viewId, view);
        return {
          ok: true,
          view: { id: viewId, team_id: fakeTeam.id, app_id: 'A0WEAVER', bot_id: fakeBot.botId, state: { values: {} }, hash: `h${viewCounter}`, ...view },
        };
      }
      // views.publish: a Home tab of at most 100 blocks, for a user of the workspace.
      case 'views.publish': {
        const view = params.view as Record<string, any> | undefined;
        if (!users.has(String(params.user_id))) return { ok: false, error: 'user_not_found' };
        if (!view || view.type !== 'home' || (view.blocks ?? []).length > 100) return { ok: false, error: 'invalid_arguments' };
        const viewId = `V${String(++viewCounter).padStart(6, '0')}`;
        homes.set(String(params.user_id), view);
        return { ok: true, view: { id: viewId, team_id: fakeTeam.id, app_id: 'A0WEAVER', bot_id: fakeBot.botId, state: { values: {} }, ...view } };
      }
      case 'files.getUploadURLExternal': {
        const fileId = `F${String(++fileCounter).padStart(6, '0')}`;
        return { ok: true, upload_url: `${baseUrl}/upload/${fileId}`, file_id: fileId };
      }
      case 'files.completeUploadExternal': {
        const files = Array.isArray(params.files) ? (params.files as { id: string; title?: string }[]) : [];
        return { ok: true, files: files.map((file) => ({ id: file.id, title: file.title, name: file.title })) };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  // A workspace sees its own channels, and a Slack Connect channel from each side.
  function visible(channelId: string, teamId: string): FakeChannel | undefined {
    const channel = channels.get(channelId);
    return channel && (!channel.teams || channel.teams.includes(teamId)) ? channel : undefined;
  }

  // Posting to a user id opens the app's direct messages with that user, as Slack does.
  function postTargetFor(channelId: string, teamId: string): { id: string } | { error: string } {
    if (/^[UW]/.test(channelId)) return users.has(channelId) ? { id: `D${channelId}` } : { error: 'channel_not_found' };
    if (channelId.startsWith('D') || groupDms.has(channelId)) return { id: channelId };
    const channel = visible(channelId, teamId);
    if (!channel || (channel.is_private && !channel.is_member)) return { error: 'channel_not_found' };
    if (channel.is_archived) return { error: 'is_archived' };
    if (!channel.is_member) return { error: 'not_in_channel' };
    return { id: channelId };
  }

  const server = createServer((request, response) => {
    void route(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500);
      response.end(String(error));
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse) {
    const raw = await readBody(request);
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    const api = /^\/api\/([\w.]+)$/.exec(path);
    if (api && request.method === 'POST') {
      const method = api[1]!;
      const params = parseParams(raw, request.headers['content-type']);
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
      const token = bearer ?? (typeof params.token === 'string' ? params.token : undefined);
      const call: ApiCall = { seq: ++seq, method, token, params };
      calls.push(call);
      notify();
      const handle = async () => {
        const wait = rateLimitWait(method, params);
        if (wait > 0) {
          limited.count++;
          return { status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) } };
        }
        const [status, body, headers] = await handleApi(method, token, params, basicId ? { id: basicId, secret: basicSecret ?? '' } : undefined);
        call.answer = body;
        notify();
        return { status, body, headers };
      };
      if (options.faults) {
        const tooMany = (retryAfter: number) => ({ status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'retry-after': String(retryAfter) } });
        await answerWithFaults(options.faults, 'slack', `slack:${method}`, response, handle, tooMany);
        return;
      }
      const answered = await handle();
      response.writeHead(answered.status, { 'content-type': 'application/json', ...answered.headers }).end(JSON.stringify(answered.body));
      return;
    }
    // The authorize page (docs.slack.dev/authentication/installing-with-oauth): the person approves the install in the
    // workspace the test chose, and Slack sends the browser to redirect_uri with a one-time code and the same state.
    if (path === '/oauth/v2/authorize' && request.method === 'GET') {
      const query = new URL(request.url ?? '/', 'http://fake').searchParams;
      const teamId = pendingInstallTeam ?? query.get('team') ?? defaultTeam.id;
      authorizeRequests.push(Object.fromEntries(query));
      if (!options.oauth || query.get('client_id') !== options.oauth.clientId || !teams.has(teamId)) {
        response.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_client_id');
        return;
      }
      const code = `code-${teamId}-${++installCounter}`;
      oauthCodes.set(code, teamId);
      const back = new URL(query.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', query.get('state') ?? '');
      response.writeHead(302, { location: back.toString() }).end();
      return;
    }
    const upload = /^\/upload\/(\w+)$/.exec(path);
    if (upload && request.method === 'POST') {
      uploads.push({ seq: ++seq, fileId: upload[1]!, bytes: raw.length, content: raw.toString('utf8') });
      notify();
      response.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${raw.length}`);
      return;
    }
    const respond = /^\/respond\/([\w-]+)$/.exec(path);
    if (respond && request.method === 'POST') {
      const id = respond[1]!;
      const scripted = failures.get(`respond:${id}`)?.shift() ?? failures.get('respond')?.shift();
      responses.push({ seq: ++seq, id, body: JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown> });
      notify();
      if (scripted && 'status' in scripted) {
        response.writeHead(scripted.status, { 'content-type': 'text/plain' }).end('expired_url');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    response.writeHead(404).end();
  }

  // Socket Mode: Slack says hello, then sends envelopes that the app acks with their envelope_id.
  const sockets = new WebSocketServer({ server, path: '/socket' });
  const acks: { envelope_id: string; payload?: Record<string, unknown> }[] = [];
  let openSocket: WebSocket | undefined;
  let envelopeCounter = 0;
  sockets.on('connection', (socket) => {
    openSocket = socket;
    socket.on('message', (data) => {
      acks.push(JSON.parse(String(data)) as { envelope_id: string });
      notify();
    });
    socket.on('close', () => {
      if (openSocket === socket) openSocket = undefined;
      notify();
    });
    socket.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake-slack' }, connection_info: { app_id: 'A0WEAVER' } }));
    notify();
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  /** Resolves with the first value `find` returns, now or after a later call arrives; the test's timeout bounds the wait. */
  function waitFor<T>(find: () => T | undefined): Promise<T> {
    return new Promise((resolve) => {
      const check = () => {
        const found = find();
        if (found === undefined) return;
        waiters.delete(check);
        resolve(found);
      };
      waiters.add(check);
      check();
    });
  }

  return {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    calls,
    /** Calls refused by the rate limits (with `rateLimited`). */
    limited,
    /** What each conversation holds: posted messages, as conversations.history reads them. */
    history,
    responses,
    uploads,
    users,
    channels,
    views,
    homes,
    groupDms,
    /** A fresh response_url for one slash command or click. */
    newResponseUrl(): { id: string; url: string } {
      const id = `r${++responseCounter}`;
      return { id, url: `${baseUrl}/respond/${id}` };
    },
    callsTo: (method: string) => calls.filter((call) => call.method === method),
    /** Which workspace a token speaks for (undefined for a token Slack never issued). */
    teamOfToken: (token: string | undefined) => (token ? tokenTeams.get(token) : undefined),
    /** What reached the authorize page: client_id, scope, redirect_uri, state. */
    authorizeRequests,
    /** The next visit to the authorize page installs into this workspace, as the person picking it in Slack would. */
    installInto(teamId: string) {
      pendingInstallTeam = teamId;
    },
    /** The workspace removed the app: its tokens stop working, as Slack's do. */
    revokeTokensOf(teamId: string) {
      for (const [token, team] of tokenTeams) if (team === teamId) validTokens.delete(token);
    },
    responsesTo: (id: string) => responses.filter((post) => post.id === id),
    waitForCall: (method: string, match: (call: ApiCall) => boolean = () => true) => waitFor(() => calls.find((call) => call.method === method && match(call))),
    /** Like waitForCall, once the fake has answered the call: `answer.ts` is the posted message's ts. */
    waitForAnswered: (method: string, match: (call: ApiCall) => boolean = () => true) =>
      waitFor(() =>
        calls.find((call): call is ApiCall & { answer: Record<string, unknown> } => call.method === method && call.answer !== undefined && match(call)),
      ),
    waitForResponse: (id: string) => waitFor(() => responses.find((post) => post.id === id)),
    waitFor,
    /** The next `times` calls of `method` (or posts to response_url `respond` / `respond:<id>`) fail this way. */
    fail(method: string, failure: Failure, times = 1) {
      failures.set(method, [...(failures.get(method) ?? []), ...Array.from({ length: times }, () => failure)]);
    },
    /** Calls of `method` take effect at once but are answered `ms` later (0 to stop). */
    answerSlowly(method: string, ms: number) {
      if (ms > 0) slow.set(method, ms);
      else slow.delete(method);
    },
    /** Calls of `method` wait until released: a slow Slack. */
    hold(method: string): Gate {
      let release!: () => void;
      let reached!: () => void;
      const opened = new Promise<void>((resolve) => (release = resolve));
      const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
      gates.set(method, { release, opened, reached });
      return {
        reached: reachedPromise,
        release: () => {
          gates.delete(method);
          release();
        },
      };
    },
    socketMode: {
      connected: () => waitFor(() => openSocket),
      disconnected: () => waitFor(() => (openSocket ? undefined : true)),
      /** Sends one envelope (`slash_commands`, `interactive`, `events_api`) and resolves with the app's ack. */
      async send(type: string, payload: object) {
        const socket = await waitFor(() => openSocket);
        const envelopeId = `env-${++envelopeCounter}`;
        socket.send(
          JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }),
        );
        return waitFor(() => acks.find((ack) => ack.envelope_id === envelopeId));
      },
    },
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function describeChannel(channel: FakeChannel) {
  return {
    id: channel.id,
    name: channel.name,
    is_channel: true,
    is_group: false,
    is_im: false,
    is_mpim: false,
    is_private: Boolean(channel.is_private),
    is_member: Boolean(channel.is_member),
    is_archived: Boolean(channel.is_archived),
  };
}

function parseParams(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (contentType?.includes('application/json')) return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  const params: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) params[key] = /^[[{]/.test(value) ? tryJson(value) : value;
  return params;
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
