import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** Gateway opcodes, as Discord documents them (Gateway, "Opcodes and Status Codes"). */
export const op = { dispatch: 0, heartbeat: 1, identify: 2, resume: 6, reconnect: 7, invalidSession: 9, hello: 10, heartbeatAck: 11 } as const;

export type GatewayPayload = { op: number; d: unknown; s?: number | null; t?: string | null };

export type GatewayOptions = Readonly<{
  token: string;
  heartbeatIntervalMs: number;
  /** The READY payload's `d`, minus the session fields the gateway adds. */
  ready(): Record<string, unknown>;
  /** The dispatches that follow READY, e.g. GUILD_CREATE for each guild READY listed as unavailable. */
  afterReady(): { t: string; d: unknown }[];
  resumeUrl: string;
  /** Privileged intents the application may use (Developer Portal, Bot page); asking for others closes with 4014. */
  allowedPrivilegedIntents: number;
}>;

/** GUILD_MEMBERS, GUILD_PRESENCES and MESSAGE_CONTENT, the privileged intents. */
export const privilegedIntents = (1 << 1) | (1 << 8) | (1 << 15);

/** `[shard_id, num_shards]`, as IDENTIFY sends it and READY repeats it; `[0, 1]` when the bot does not shard. */
export type ShardPair = readonly [number, number];

/** Which shard receives a guild's events, as Discord documents it (Gateway, "Sharding"): `(guild_id >> 22) % num_shards`. */
export function shardOfGuild(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

type Session = {
  id: string;
  shard: ShardPair;
  socket: WebSocket | undefined;
  /** False once invalidated: a RESUME is refused (op 9), though events still flow until the bot identifies afresh. */
  resumable: boolean;
  sequence: number;
  history: GatewayPayload[];
};

/** A session as a test may read it: its shard, and the dispatches sent on it (event name and guild id) since it identified. */
export type SessionView = Readonly<{ id: string; shard: ShardPair; dispatched: readonly { t: string; guildId?: string }[] }>;

/**
 * A Discord gateway on a local socket: HELLO, IDENTIFY → READY, heartbeat ACKs, RESUME with replay, and dispatches with
 * increasing sequence numbers per session. A bot that shards opens one session per shard (IDENTIFY with
 * `shard: [id, count]`), from one process or several: each session gets READY and GUILD_CREATE for its own guilds only,
 * and every dispatch about a guild goes to the session of that guild's shard (direct messages to shard 0), as on Discord.
 */
export class FakeGateway {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly sessions = new Map<string, Session>();
  private readonly bySocket = new Map<WebSocket, Session>();
  private sessionCount = 0;
  private readonly extraGuilds: (Record<string, unknown> & { id: string })[] = [];
  private readonly waiters: { test(event: string, shard: number): boolean; resolve(): void }[] = [];
  readonly received: GatewayPayload[] = [];
  identifies = 0;
  resumes = 0;
  heartbeats = 0;
  /** The shard count GET /gateway/bot recommends (its `shards` field). */
  recommendedShards = 1;
  /** How many shards may IDENTIFY at once (GET /gateway/bot's `session_start_limit.max_concurrency`): 1, or 16 and more for large bots. */
  maxConcurrency = 1;
  /** Fewer shards than this are refused with close 4011 (Sharding required), as Discord refuses a bot in too many guilds per shard. */
  minimumShards = 1;

  constructor(private readonly options: GatewayOptions) {
    this.server.on('connection', (socket) => this.accept(socket));
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(request, socket, head, (ws) => this.server.emit('connection', ws, request));
  }

  /**
   * Sends an event to the bot, as Discord does: on the session of the shard its guild belongs to (shard 0 without a
   * guild), with that session's next sequence number, which is returned.
   */
  dispatch(t: string, d: unknown): number {
    const guildId = guildOf(t, d);
    const targets = [...this.sessions.values()].filter((session) => onShard(session.shard, guildId));
    let sequence = 0;
    for (const session of targets) sequence = this.dispatchOn(session, t, d);
    return sequence;
  }

  /** The bot is added to another server: GUILD_CREATE now on the session of its shard, and in every later READY. */
  addGuild(guild: Record<string, unknown> & { id: string }): void {
    this.extraGuilds.push(guild);
    this.dispatch('GUILD_CREATE', guild);
  }

  /** The sessions, one per shard the bot runs (and, while it is away, those it may resume). */
  get shardSessions(): SessionView[] {
    return [...this.sessions.values()].map((session) => ({
      id: session.id,
      shard: session.shard,
      dispatched: session.history.map((payload) => ({ t: payload.t!, guildId: guildOf(payload.t!, payload.d) })),
    }));
  }

  /** Asks the bot to reconnect and resume (op 7), as Discord does before moving a session; on every shard unless one is named. */
  requestReconnect(shard?: number): void {
    for (const session of this.pick(shard)) this.send(session, { op: op.reconnect, d: null });
  }

  /** Drops the connection with a close code, e.g. 4000 (unknown error, resumable) or 1001 (going away). */
  closeConnection(code: number, shard?: number): void {
    for (const session of this.pick(shard)) session.socket?.close(code, 'closed by the fake gateway');
  }

  /** Asks the bot for a heartbeat now (op 1), as Discord may; the bot must answer at once. */
  requestHeartbeat(shard?: number): void {
    for (const session of this.pick(shard)) this.send(session, { op: op.heartbeat, d: null });
  }

  /** Forgets the session, so that a RESUME is refused (op 9) and the bot must IDENTIFY afresh. */
  invalidateSession(shard?: number): void {
    for (const session of this.pick(shard)) session.resumable = false;
  }

  /** Settles at the next IDENTIFY answered with READY, RESUME answered with RESUMED, or heartbeat acknowledged (on `shard`, or any). */
  waitFor(event: 'identified' | 'resumed' | 'heartbeat', shard?: number): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ test: (happened, on) => happened === event && (shard === undefined || shard === on), resolve }));
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pick(shard: number | undefined): Session[] {
    return [...this.sessions.values()].filter((session) => shard === undefined || session.shard[0] === shard);
  }

  private dispatchOn(session: Session, t: string, d: unknown): number {
    const payload: GatewayPayload = { op: op.dispatch, t, d, s: ++session.sequence };
    session.history.push(payload);
    this.send(session, payload);
    return payload.s!;
  }

  private accept(socket: WebSocket): void {
    socket.on('message', (data) => this.receive(socket, JSON.parse(String(data)) as GatewayPayload));
    socket.on('close', () => this.bySocket.delete(socket));
    this.sendTo(socket, { op: op.hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs } });
  }

  /** A session lives on one connection at a time: a new IDENTIFY or RESUME for it ends the old one. */
  private attach(session: Session, socket: WebSocket): void {
    if (session.socket && session.socket !== socket) session.socket.terminate();
    session.socket = socket;
    this.bySocket.set(socket, session);
  }

  private receive(socket: WebSocket, payload: GatewayPayload): void {
    this.received.push(payload);
    switch (payload.op) {
      case op.heartbeat:
        this.heartbeats++;
        this.sendTo(socket, { op: op.heartbeatAck, d: null });
        this.settle('heartbeat', this.bySocket.get(socket)?.shard[0] ?? 0);
        return;
      case op.identify:
        return this.identify(socket, payload.d as { token?: string; intents?: number; shard?: [number, number] });
      case op.resume: {
        const d = payload.d as { token?: string; session_id?: string; seq?: number };
        const session = d.session_id ? this.sessions.get(d.session_id) : undefined;
        if (d.token !== this.options.token || !session?.resumable) {
          this.sendTo(socket, { op: op.invalidSession, d: false });
          return;
        }
        this.resumes++;
        this.attach(session, socket);
        for (const missed of session.history.filter((event) => (event.s ?? 0) > (d.seq ?? 0))) this.sendTo(socket, missed);
        this.dispatchOn(session, 'RESUMED', {});
        this.settle('resumed', session.shard[0]);
        return;
      }
      default:
        return;
    }
  }

  private identify(socket: WebSocket, d: { token?: string; intents?: number; shard?: [number, number] }): void {
    if (d.token !== this.options.token) {
      socket.close(4004, 'Authentication failed.');
      return;
    }
    if ((d.intents ?? 0) & privilegedIntents & ~this.options.allowedPrivilegedIntents) {
      socket.close(4014, 'Disallowed intent(s).');
      return;
    }
    const shard: ShardPair = d.shard ?? [0, 1];
    const [id, count] = shard;
    if (!Number.isInteger(id) || !Number.isInteger(count) || count < 1 || id < 0 || id >= count) {
      socket.close(4010, 'Invalid shard.');
      return;
    }
    if (count < this.minimumShards) {
      socket.close(4011, 'Sharding required.');
      return;
    }
    this.identifies++;
    // A fresh IDENTIFY replaces the session this connection held, and those of the same shard that can no longer be
    // resumed or have no connection; a second process on the same shard, still connected, keeps its own.
    for (const old of [...this.sessions.values()]) {
      const sameShard = old.shard[0] === id && old.shard[1] === count;
      const connected = old.socket !== undefined && old.socket.readyState === old.socket.OPEN;
      if (old.socket === socket || (sameShard && (!old.resumable || !connected))) this.sessions.delete(old.id);
    }
    const session: Session = { id: `session-${++this.sessionCount}`, shard, socket: undefined, resumable: true, sequence: 0, history: [] };
    this.sessions.set(session.id, session);
    this.attach(session, socket);
    const ready = this.options.ready();
    const listed = [...((ready.guilds as { id: string }[] | undefined) ?? []), ...this.extraGuilds.map((g) => ({ id: g.id, unavailable: true }))];
    const guilds = listed.filter((guild) => onShard(shard, guild.id));
    this.dispatchOn(session, 'READY', { ...ready, guilds, v: 10, session_id: session.id, resume_gateway_url: this.options.resumeUrl, shard: [id, count] });
    const after = [...this.options.afterReady(), ...this.extraGuilds.map((guild) => ({ t: 'GUILD_CREATE', d: guild }))];
    for (const event of after.filter((e) => onShard(shard, guildOf(e.t, e.d)))) this.dispatchOn(session, event.t, event.d);
    this.settle('identified', id);
  }

  private settle(event: string, shard: number): void {
    for (const waiter of this.waiters.filter((w) => w.test(event, shard))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  private send(session: Session, payload: GatewayPayload): void {
    if (session.socket) this.sendTo(session.socket, payload);
  }

  private sendTo(socket: WebSocket, payload: GatewayPayload): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  }
}

/** The guild an event is about: `guild_id`, or for GUILD_CREATE, GUILD_UPDATE and GUILD_DELETE the guild's own `id`. */
function guildOf(t: string, d: unknown): string | undefined {
  const data = (d ?? {}) as { guild_id?: unknown; id?: unknown };
  if (typeof data.guild_id === 'string') return data.guild_id;
  if (/^GUILD_(CREATE|UPDATE|DELETE)$/.test(t) && typeof data.id === 'string') return data.id;
  return undefined;
}

function onShard(shard: ShardPair, guildId: string | undefined): boolean {
  return guildId === undefined ? shard[0] === 0 : shardOfGuild(guildId, shard[1]) === shard[0];
}
