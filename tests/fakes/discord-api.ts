import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGateway, privilegedIntents } from './discord-gateway.js';
import { answerWithFaults, fixedWindow, platformLimits, type FaultPlan, type GatewayFaultKind } from './faults.js';
import { bits, botUser, createGuildPayload, ids, memberPermissions, snowflakes, type FakeChannel } from './discord-world.js';

export type RecordedCall = Readonly<{
  method: string;
  /** Without the `/api/v10` prefix, decoded: `/channels/123/messages`, `/webhooks/1/tok/messages/@original`. */
  path: string;
  query: URLSearchParams;
  /** The JSON body, or a multipart body's `payload_json`. */
  body: any;
  /** Names of the files of a multipart body. */
  files: string[];
  /** The files of a multipart body, with their text. */
  uploads: { name: string; content: string }[];
  authorized: boolean;
  status: number;
}>;

export type ScriptedFailure = {
  method?: string;
  path: RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching calls fail; once by default. */
  times?: number;
};

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

export const interactionLimitMs = 3000;

/**
 * A local Discord: the REST routes Weaver's adapter uses, and a gateway, on 127.0.0.1. Each REST call is
 * recorded; failures can be scripted (429 with Retry-After, Missing Access…); interactions must be answered
 * within Discord's 3 seconds, or the callback is refused as Discord refuses it.
 *
 * Usage: `startWeaverOnFakeDiscord()` (discord-session.ts) starts Weaver on it as `npm start` does. Then
 * `fake.gateway.dispatch('MESSAGE_CREATE', messagePayload(...))` sends an event, `fake.interact(payload)` an
 * interaction (builders in discord-payloads.ts), and `await fake.waitForCall(test)` settles on the bot's answer.
 */
export class FakeDiscord {
  readonly calls: RecordedCall[] = [];
  readonly registered = new Map<string, unknown[]>();
  readonly channels = new Map<string, FakeChannel>();
  /** The server's scheduled events (its Events tab), by id, as Discord returns them. */
  readonly scheduledEvents = new Map<string, Record<string, unknown> & { id: string; status: number }>();
  readonly gateway: FakeGateway;
  private readonly failures: ScriptedFailure[] = [];
  /** How long the fake remembers a nonce; Discord documents only "a few minutes". */
  nonceWindowMs = 3 * 60_000;
  private slowness?: { test: (method: string, path: string) => boolean; ms: number };
  /** Injected faults (tests/fakes/faults.ts), and Discord's rate limits enforced with its headers; both off by default. */
  faults?: FaultPlan;
  rateLimited = false;
  /** Calls refused by the rate limits (not by injected faults). */
  readonly limited = { count: 0 };
  private readonly globalWindow = fixedWindow(platformLimits.discord.globalPerSecond, 1000);
  private readonly channelWindows = new Map<string, ReturnType<typeof fixedWindow>>();
  private readonly callWaiters: { test(call: RecordedCall): boolean; resolve(call: RecordedCall): void }[] = [];
  private readonly interactions = new Map<string, { dispatchedAt: number; channelId: string; acknowledged: boolean; original?: Record<string, unknown> }>();

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    readonly token: string,
    allowedPrivilegedIntents: number,
    readonly botPermissions: bigint,
  ) {
    for (const channel of createGuildPayload().channels) this.channels.set(channel.id, { ...channel, messages: [] });
    this.gateway = new FakeGateway({
      token,
      heartbeatIntervalMs: 1000,
      allowedPrivilegedIntents,
      resumeUrl: `${baseUrl.replace('http', 'ws')}/gateway-resume`,
      ready: () => ({ user: botUser, guilds: [{ id: ids.guild, unavailable: true }], application: { id: ids.application, flags: 0 }, private_channels: [] }),
      afterReady: () => [
        {
          t: 'GUILD_CREATE',
          d: {
            ...createGuildPayload(botPermissions),
            channels: [...this.channels.values()]
              .filter((c) => c.type !== 1 && c.type !== 11 && c.type !== 12)
              .map(({ messages: _m, botDenied: _b, ...c }) => c),
          },
        },
      ],
    });
  }

  /** `allowedPrivilegedIntents` defaults to all of them, as if every switch on the Bot page were on. */
  static async start(
    options: { token?: string; allowedPrivilegedIntents?: number; botPermissions?: bigint; faults?: FaultPlan; rateLimited?: boolean } = {},
  ): Promise<FakeDiscord> {
    // eslint-disable-next-line prefer-const -- the server's handlers close over it before the fake exists
    let fake: FakeDiscord | undefined;
    const server = createServer((request, response) => void fake!.handle(request, response));
    server.on('upgrade', (request, socket, head) => fake!.gateway.handleUpgrade(request, socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    fake = new FakeDiscord(
      server,
      `http://127.0.0.1:${port}`,
      options.token ?? 'fake-bot-token',
      options.allowedPrivilegedIntents ?? privilegedIntents,
      options.botPermissions ?? memberPermissions,
    );
    fake.faults = options.faults;
    fake.rateLimited = options.rateLimited ?? false;
    return fake;
  }

  /** DISCORD_API_URL for the bot. */
  get apiUrl(): string {
    return `${this.baseUrl}/api`;
  }

  /** Matching calls take effect at once and are answered `ms` later: a slow Discord (undefined to stop). */
  answerSlowly(slowness?: { test: (method: string, path: string) => boolean; ms: number }): void {
    this.slowness = slowness;
  }

  /** Makes the next matching calls fail as scripted. */
  failNext(failure: ScriptedFailure): void {
    this.failures.push({ times: 1, ...failure });
  }

  /** The first call, from `fromIndex` on, that matches; waits for it if it has not arrived yet. */
  waitForCall(test: (call: RecordedCall) => boolean, fromIndex = 0): Promise<RecordedCall> {
    const found = this.calls.slice(fromIndex).find(test);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.callWaiters.push({ test, resolve }));
  }

  /** Sends INTERACTION_CREATE and starts Discord's 3-second clock for it. */
  interact(interaction: { id: string; token: string; channel_id?: string }): void {
    this.interactions.set(interaction.token, { dispatchedAt: Date.now(), channelId: interaction.channel_id ?? ids.homeChannel, acknowledged: false });
    this.gateway.dispatch('INTERACTION_CREATE', interaction);
  }

  /** A member clicks "Interested" on a scheduled event in the Events tab, or takes it back: the gateway says so. */
  markInterested(scheduledEventId: string, userId: string, interested = true): void {
    const payload = { guild_scheduled_event_id: scheduledEventId, user_id: userId, guild_id: ids.guild };
    this.gateway.dispatch(interested ? 'GUILD_SCHEDULED_EVENT_USER_ADD' : 'GUILD_SCHEDULED_EVENT_USER_REMOVE', payload);
  }

  /** Calls made for one interaction (its callback, then edits and follow-ups of its webhook), in order. */
  interactionCalls(token: string): RecordedCall[] {
    return this.calls.filter((call) => call.path.includes(`/${token}/`) || call.path.endsWith(`/${token}`));
  }

  async close(): Promise<void> {
    await this.gateway.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.baseUrl);
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v\d+/, ''));
    const method = request.method ?? 'GET';
    const { body, files, uploads } = parseBody(request.headers['content-type'] ?? '', await readBody(request));
    const authorized = request.headers.authorization === `Bot ${this.token}`;
    let call: RecordedCall | undefined;
    const answerCall = async (): Promise<Answer> => {
      const limit = this.rateLimit(method, path);
      const found = limit?.refuse ?? this.scriptedFailure(method, path) ?? this.route(method, path, body, authorized);
      const answer = limit?.headers ? { ...found, headers: { ...limit.headers, ...found.headers } } : found;
      call = { method, path, query: url.searchParams, body, files, uploads, authorized, status: answer.status };
      this.calls.push(call);
      if (this.slowness?.test(method, path)) await new Promise((resolve) => setTimeout(resolve, this.slowness?.ms));
      return answer;
    };
    if (this.faults) {
      const tooMany = (retryAfter: number): Answer => ({
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: retryAfter, global: true },
        headers: { 'retry-after': String(retryAfter), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
      });
      await answerWithFaults(this.faults, 'discord', `discord:${method} ${routeKey(path)}`, response, answerCall, tooMany);
    } else {
      const answer = await answerCall();
      const headers = { ...(answer.body === undefined ? {} : { 'content-type': 'application/json' }), ...answer.headers };
      response.writeHead(answer.status, headers).end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    }
    if (!call) return;
    const made = call;
    for (const waiter of this.callWaiters.filter((w) => w.test(made))) {
      this.callWaiters.splice(this.callWaiters.indexOf(waiter), 1);
      waiter.resolve(made);
    }
  }

  /**
   * With `rateLimited`: Discord's global 50 requests per second, and 5 messages per 5 s per channel, answered with the
   * x-ratelimit headers discord.js paces itself by, and 429 with retry_after when exceeded. Undefined: the call may go.
   */
  private rateLimit(method: string, path: string): { refuse?: Answer; headers?: Record<string, string> } | undefined {
    if (!this.rateLimited || path.startsWith('/interactions/') || path.startsWith('/webhooks/')) return undefined;
    const now = Date.now();
    const global = this.globalWindow(now);
    if (global.waitMs > 0) {
      this.limited.count++;
      const retryAfter = global.waitMs / 1000;
      return {
        refuse: {
          status: 429,
          body: { message: 'You are being rate limited.', retry_after: retryAfter, global: true },
          headers: { 'retry-after': String(Math.ceil(retryAfter)), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
        },
      };
    }
    const post = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (method !== 'POST' || !post) return undefined;
    let window = this.channelWindows.get(post[1]!);
    if (!window) this.channelWindows.set(post[1]!, (window = fixedWindow(platformLimits.discord.channelLimit, platformLimits.discord.channelWindowMs)));
    const taken = window(now);
    const headers = {
      'x-ratelimit-limit': String(platformLimits.discord.channelLimit),
      'x-ratelimit-remaining': String(taken.remaining),
      'x-ratelimit-reset': ((now + taken.resetAfterMs) / 1000).toFixed(3),
      'x-ratelimit-reset-after': (taken.resetAfterMs / 1000).toFixed(3),
      'x-ratelimit-bucket': 'channel-messages',
    };
    if (taken.waitMs === 0) return { headers };
    this.limited.count++;
    return {
      refuse: {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: taken.waitMs / 1000, global: false },
        headers: { ...headers, 'retry-after': String(Math.ceil(taken.waitMs / 1000)), 'x-ratelimit-scope': 'user' },
      },
    };
  }

  /** Drops the gateway connection as Discord does now and then: to resume, to identify afresh, or asking to reconnect. */
  disconnectGateway(kind: GatewayFaultKind): void {
    this.faults?.count(kind);
    if (kind === 'gateway-reconnect-request') return this.gateway.requestReconnect();
    if (kind === 'gateway-reidentify') this.gateway.invalidateSession();
    this.gateway.closeConnection(4000);
  }

  private scriptedFailure(method: string, path: string): Answer | undefined {
    const failure = this.failures.find((f) => (f.method ?? method) === method && f.path.test(path));
    if (!failure) return undefined;
    if (--failure.times! <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
    return { status: failure.status, body: failure.body ?? { message: 'Scripted failure', code: 0 }, headers: failure.headers };
  }

  private route(method: string, path: string, body: any, authorized: boolean): Answer {
    const parts = path.split('/').filter(Boolean);
    const key = `${method} /${parts.map((part) => (/^\d{17,20}$/.test(part) ? ':id' : part)).join('/')}`;
    // Interaction callbacks and webhooks are authorized by their token, every other route by the bot token.
    const byToken = parts[0] === 'interactions' || parts[0] === 'webhooks';
    if (!byToken && !authorized) return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
    switch (true) {
      case key === 'GET /gateway/bot':
        return ok({
          url: `${this.baseUrl.replace('http', 'ws')}/gateway`,
          shards: this.gateway.recommendedShards,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: this.gateway.maxConcurrency },
        });
      case key === 'GET /users/@me':
        return ok(botUser);
      case key === 'PUT /applications/:id/commands' || key === 'PUT /applications/:id/guilds/:id/commands': {
        const scope = parts[3] ?? 'global';
        const commands = (body as unknown[]).map((command) => ({
          id: snowflakes.next(),
          application_id: ids.application,
          version: snowflakes.next(),
          ...(command as object),
        }));
        this.registered.set(scope, commands);
        return ok(commands);
      }
      case parts[0] === 'interactions' && parts[3] === 'callback':
        return this.acknowledge(parts[2]!, body);
      case parts[0] === 'webhooks':
        return this.webhook(method, parts[2]!, parts.slice(3), body);
      case key === 'GET /channels/:id': {
        const channel = this.channels.get(parts[1]!);
        if (!channel) return unknownChannel;
        if (channel.botDenied) return missingAccess;
        const { messages: _messages, botDenied: _denied, ...rest } = channel;
        return ok(rest);
      }
      case key === 'GET /guilds/:id/members/:id': {
        const member = createGuildPayload().members.find((m) => m.user.id === parts[3]);
        return member ? ok(member) : { status: 404, body: { message: 'Unknown Member', code: 10007 } };
      }
      case key === 'POST /guilds/:id/scheduled-events':
        return this.createScheduledEvent(parts[1]!, body);
      case key === 'PATCH /guilds/:id/scheduled-events/:id':
        return this.updateScheduledEvent(parts[3]!, body);
      case key === 'DELETE /guilds/:id/scheduled-events/:id': {
        const event = this.scheduledEvents.get(parts[3]!);
        if (!event) return unknownScheduledEvent;
        if (!this.mayManageEvents()) return missingPermissions;
        this.scheduledEvents.delete(event.id);
        this.gateway.dispatch('GUILD_SCHEDULED_EVENT_DELETE', event);
        return { status: 204 };
      }
      case key === 'POST /channels/:id/messages':
        return this.createMessage(parts[1]!, body);
      case key === 'GET /channels/:id/messages/:id': {
        const message = this.channels.get(parts[1]!)?.messages.find((m) => m.id === parts[3]);
        return message ? ok(message) : { status: 404, body: { message: 'Unknown Message', code: 10008 } };
      }
      case key === 'PATCH /channels/:id/messages/:id': {
        const message = this.channels.get(parts[1]!)?.messages.find((m) => m.id === parts[3]);
        if (!message) return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
        Object.assign(message, body, { edited_timestamp: new Date().toISOString() });
        return ok(message);
      }
      case key === 'POST /channels/:id/messages/:id/threads':
        return this.startThread(parts[1]!, parts[3]!, body);
      case key === 'POST /channels/:id/threads':
        return this.startThreadWithoutMessage(parts[1]!, body);
      case key === 'PUT /channels/:id/thread-members/:id':
        return this.addThreadMember(parts[1]!, parts[3]!);
      case key === 'POST /users/@me/channels': {
        const recipient = String((body as { recipient_id?: string }).recipient_id);
        const id = `9${recipient.slice(1)}`;
        if (!this.channels.has(id))
          this.channels.set(id, {
            id,
            type: 1,
            name: null,
            recipients: [{ id: recipient, username: 'member', discriminator: '0', avatar: null, global_name: null }],
            messages: [],
          });
        const { messages: _messages, ...dm } = this.channels.get(id)!;
        return ok(dm);
      }
      default:
        return { status: 404, body: { message: '404: Not Found', code: 0 } };
    }
  }

  private mayManageEvents(): boolean {
    return (this.botPermissions & (bits.createEvents | bits.manageEvents)) !== 0n;
  }

  // As Discord documents POST /guilds/{id}/scheduled-events: an external event needs a location of 1 to 100
  // characters and an end time; the name is 1 to 100 characters; the bot needs Create Events (or Manage Events).
  private createScheduledEvent(guildId: string, body: Record<string, any>): Answer {
    if (!this.mayManageEvents()) return missingPermissions;
    const problems = scheduledEventProblems(body, true);
    if (problems) return problems;
    const event = {
      id: snowflakes.next(),
      guild_id: guildId,
      channel_id: null,
      creator_id: ids.bot,
      creator: botUser,
      name: body.name,
      description: body.description ?? null,
      scheduled_start_time: body.scheduled_start_time,
      scheduled_end_time: body.scheduled_end_time,
      privacy_level: body.privacy_level,
      status: 1,
      entity_type: body.entity_type,
      entity_id: null,
      entity_metadata: body.entity_metadata,
      user_count: 0,
      image: null,
    };
    this.scheduledEvents.set(event.id, event);
    this.gateway.dispatch('GUILD_SCHEDULED_EVENT_CREATE', event);
    return ok(event);
  }

  private updateScheduledEvent(id: string, body: Record<string, any>): Answer {
    const event = this.scheduledEvents.get(id);
    if (!event) return unknownScheduledEvent;
    if (!this.mayManageEvents()) return missingPermissions;
    // Scheduled may become active or cancelled; a cancelled or completed event cannot change any more.
    if (event.status === 3 || event.status === 4) return invalidForm('status', 'Cannot update a completed or cancelled event');
    const problems = scheduledEventProblems({ ...event, ...body }, false);
    if (problems) return problems;
    Object.assign(event, body);
    this.gateway.dispatch('GUILD_SCHEDULED_EVENT_UPDATE', event);
    return ok(event);
  }

  private acknowledge(token: string, body: { type: number; data?: Record<string, unknown> }): Answer {
    const state = this.interactions.get(token);
    if (!state || Date.now() - state.dispatchedAt > interactionLimitMs) return { status: 404, body: { message: 'Unknown interaction', code: 10062 } };
    if (state.acknowledged) return { status: 400, body: { message: 'Interaction has already been acknowledged.', code: 40060 } };
    state.acknowledged = true;
    state.original = { ...this.messageFrom(state.channelId, body.data ?? {}), interaction_callback_type: body.type };
    return { status: 204 };
  }

  private webhook(method: string, token: string, rest: string[], body: Record<string, unknown>): Answer {
    const state = this.interactions.get(token);
    if (!state?.acknowledged) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
    if (rest[0] === 'messages' && rest[1] === '@original') {
      if (method === 'PATCH') Object.assign(state.original!, body);
      return ok(state.original);
    }
    if (method === 'POST' && rest.length === 0) return ok(this.messageFrom(state.channelId, body));
    return { status: 404, body: { message: 'Unknown Message', code: 10008 } };
  }

  private createMessage(channelId: string, body: Record<string, unknown>): Answer {
    const channel = this.channels.get(channelId);
    if (!channel) return unknownChannel;
    if (channel.botDenied) return missingAccess;
    const { enforce_nonce: enforce, ...fields } = body;
    const nonce = typeof fields.nonce === 'string' || typeof fields.nonce === 'number' ? String(fields.nonce) : undefined;
    if (nonce !== undefined && nonce.length > 25) return { status: 400, body: { message: 'Invalid Form Body', code: 50035 } };
    // With enforce_nonce, a nonce the same author used in the past few minutes returns that message; nothing new is made.
    const earlier =
      nonce === undefined || enforce !== true
        ? undefined
        : [...this.channels.values()]
            .flatMap((c) => c.messages)
            .find((m) => m.nonce === nonce && Date.now() - Date.parse(String(m.timestamp)) < this.nonceWindowMs);
    if (earlier) return ok(earlier);
    const message = this.messageFrom(channelId, fields);
    channel.messages.push(message);
    return ok(message);
  }

  private startThread(channelId: string, messageId: string, body: { name?: string }): Answer {
    const parent = this.channels.get(channelId);
    if (!parent) return unknownChannel;
    if (this.channels.has(messageId)) return { status: 400, body: { message: 'A thread has already been created for this message', code: 160004 } };
    // A thread started from a message takes that message's id, as on Discord.
    const thread: FakeChannel = {
      id: messageId,
      type: 11,
      guild_id: ids.guild,
      parent_id: channelId,
      name: body.name ?? 'thread',
      owner_id: ids.bot,
      thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: new Date().toISOString(), locked: false },
      member_count: 1,
      message_count: 0,
      messages: [],
    };
    this.channels.set(thread.id, thread);
    const { messages: _messages, ...payload } = thread;
    this.gateway.dispatch('THREAD_CREATE', { ...payload, newly_created: true });
    return { status: 201, body: payload };
  }

  /**
   * A thread not started from a message (POST /channels/{id}/threads): in API v10 `type` is required, 11 public or
   * 12 private. A private thread is seen only by its members: the bot that made it, and those added to it.
   */
  private startThreadWithoutMessage(channelId: string, body: { name?: string; type?: number; invitable?: boolean; auto_archive_duration?: number }): Answer {
    const parent = this.channels.get(channelId);
    if (!parent) return unknownChannel;
    if (parent.botDenied) return missingAccess;
    if (body.type !== 11 && body.type !== 12) return { status: 400, body: { message: 'Invalid Form Body', code: 50035 } };
    if (!body.name) return { status: 400, body: { message: 'Invalid Form Body', code: 50035 } };
    const thread: FakeChannel = {
      id: snowflakes.next(),
      type: body.type,
      guild_id: ids.guild,
      parent_id: channelId,
      name: body.name,
      owner_id: ids.bot,
      thread_metadata: {
        archived: false,
        auto_archive_duration: body.auto_archive_duration ?? 4320,
        archive_timestamp: new Date().toISOString(),
        locked: false,
        ...(body.type === 12 ? { invitable: body.invitable ?? true } : {}),
      },
      member_count: 1,
      message_count: 0,
      members: [ids.bot],
      messages: [],
    };
    this.channels.set(thread.id, thread);
    const { messages: _messages, members: _members, ...payload } = thread;
    this.gateway.dispatch('THREAD_CREATE', { ...payload, newly_created: true });
    return { status: 201, body: payload };
  }

  /** PUT /channels/{thread}/thread-members/{user}: 204; the person must be in the server, the channel a thread. */
  private addThreadMember(threadId: string, userId: string): Answer {
    const thread = this.channels.get(threadId);
    if (!thread || (thread.type !== 11 && thread.type !== 12)) return unknownChannel;
    if (!Object.values(ids).includes(userId as never)) return { status: 404, body: { message: 'Unknown Member', code: 10007 } };
    const members = thread.members as string[];
    if (!members.includes(userId)) members.push(userId);
    thread.member_count = members.length;
    return { status: 204 };
  }

  private messageFrom(channelId: string, body: Record<string, unknown>): Record<string, unknown> & { id: string } {
    return {
      id: snowflakes.next(),
      channel_id: channelId,
      guild_id: ids.guild,
      author: botUser,
      content: '',
      embeds: [],
      components: [],
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      type: 0,
      flags: 0,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      ...body,
    };
  }
}

const ok = (body: unknown): Answer => ({ status: 200, body });

/** `POST /channels/:id/messages`: the route a call is rate-limited and faulted by, ids elided. */
function routeKey(path: string): string {
  return `/${path
    .split('/')
    .filter(Boolean)
    .map((part) => (/^\d{17,20}$/.test(part) ? ':id' : part))
    .join('/')}`;
}
const unknownChannel: Answer = { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
const missingAccess: Answer = { status: 403, body: { message: 'Missing Access', code: 50001 } };
const missingPermissions: Answer = { status: 403, body: { message: 'Missing Permissions', code: 50013 } };
const unknownScheduledEvent: Answer = { status: 404, body: { message: 'Unknown Guild Scheduled Event', code: 10070 } };

function invalidForm(field: string, message: string): Answer {
  return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { [field]: { _errors: [{ code: 'BASE_TYPE_BAD_VALUE', message }] } } } };
}

function scheduledEventProblems(event: Record<string, any>, creating: boolean): Answer | undefined {
  const name = String(event.name ?? '');
  if (name.length < 1 || name.length > 100) return invalidForm('name', 'Must be between 1 and 100 in length.');
  if (creating && event.privacy_level !== 2) return invalidForm('privacy_level', 'Value must be one of {2}.');
  if (event.entity_type === 3) {
    const location = String(event.entity_metadata?.location ?? '');
    if (location.length < 1 || location.length > 100) return invalidForm('entity_metadata.location', 'Must be between 1 and 100 in length.');
    if (!event.scheduled_end_time) return invalidForm('scheduled_end_time', 'This field is required for external events.');
  }
  if (event.description && String(event.description).length > 1000) return invalidForm('description', 'Must be 1000 or fewer in length.');
  if (Date.parse(event.scheduled_end_time) <= Date.parse(event.scheduled_start_time)) {
    return invalidForm('scheduled_end_time', 'Must be after the start time.');
  }
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseBody(contentType: string, raw: Buffer): { body: any; files: string[]; uploads: { name: string; content: string }[] } {
  if (raw.length === 0) return { body: undefined, files: [], uploads: [] };
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return { body: JSON.parse(raw.toString('utf8')), files: [], uploads: [] };
  let body: unknown;
  const files: string[] = [];
  const uploads: { name: string; content: string }[] = [];
  for (const part of raw.toString('utf8').split(`--${boundary[1] ?? boundary[2]}`)) {
    const name = /name="([^"]+)"/.exec(part)?.[1];
    const filename = /filename="([^"]+)"/.exec(part)?.[1];
    const content = part.slice(part.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '');
    if (filename) {
      files.push(filename);
      uploads.push({ name: filename, content });
    } else if (name === 'payload_json') body = JSON.parse(content);
  }
  return { body, files, uploads };
}
