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

/**
 * A Discord gateway on a local socket: HELLO, IDENTIFY → READY, heartbeat ACKs, RESUME with replay,
 * and dispatches with increasing sequence numbers. One session at a time, as a bot with one shard has.
 */
export class FakeGateway {
  private readonly server = new WebSocketServer({ noServer: true });
  private socket: WebSocket | undefined;
  private sessionId: string | undefined;
  private sequence = 0;
  private sessionCount = 0;
  private readonly history: GatewayPayload[] = [];
  private readonly waiters: { test(event: string): boolean; resolve(): void }[] = [];
  readonly received: GatewayPayload[] = [];
  identifies = 0;
  resumes = 0;
  heartbeats = 0;

  constructor(private readonly options: GatewayOptions) {
    this.server.on('connection', (socket) => this.accept(socket));
  }

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(request, socket, head, (ws) => this.server.emit('connection', ws, request));
  }

  /** Sends an event to the bot, as Discord does, with the next sequence number; returns that number. */
  dispatch(t: string, d: unknown): number {
    const payload: GatewayPayload = { op: op.dispatch, t, d, s: ++this.sequence };
    this.history.push(payload);
    this.send(payload);
    return payload.s!;
  }

  /** Asks the bot to reconnect and resume (op 7), as Discord does before moving a session. */
  requestReconnect(): void {
    this.send({ op: op.reconnect, d: null });
  }

  /** Drops the connection with a close code, e.g. 4000 (unknown error, resumable) or 1001 (going away). */
  closeConnection(code: number): void {
    this.socket?.close(code, 'closed by the fake gateway');
  }

  /** Asks the bot for a heartbeat now (op 1), as Discord may; the bot must answer at once. */
  requestHeartbeat(): void {
    this.send({ op: op.heartbeat, d: null });
  }

  /** Forgets the session, so that a RESUME is refused (op 9) and the bot must IDENTIFY afresh. */
  invalidateSession(): void {
    this.sessionId = undefined;
  }

  /** Settles at the next IDENTIFY answered with READY, RESUME answered with RESUMED, or heartbeat acknowledged. */
  waitFor(event: 'identified' | 'resumed' | 'heartbeat'): Promise<void> {
    return new Promise((resolve) => this.waiters.push({ test: (happened) => happened === event, resolve }));
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    this.socket?.terminate();
    this.socket = socket;
    socket.on('message', (data) => this.receive(socket, JSON.parse(String(data)) as GatewayPayload));
    this.sendTo(socket, { op: op.hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs } });
  }

  private receive(socket: WebSocket, payload: GatewayPayload): void {
    this.received.push(payload);
    switch (payload.op) {
      case op.heartbeat:
        this.heartbeats++;
        this.sendTo(socket, { op: op.heartbeatAck, d: null });
        this.settle('heartbeat');
        return;
      case op.identify: {
        const d = payload.d as { token?: string; intents?: number };
        if (d.token !== this.options.token) {
          socket.close(4004, 'Authentication failed.');
          return;
        }
        if ((d.intents ?? 0) & privilegedIntents & ~this.options.allowedPrivilegedIntents) {
          socket.close(4014, 'Disallowed intent(s).');
          return;
        }
        this.identifies++;
        this.sessionId = `session-${++this.sessionCount}`;
        this.sequence = 0;
        this.history.length = 0;
        this.dispatch('READY', { ...this.options.ready(), v: 10, session_id: this.sessionId, resume_gateway_url: this.options.resumeUrl, shard: [0, 1] });
        for (const event of this.options.afterReady()) this.dispatch(event.t, event.d);
        this.settle('identified');
        return;
      }
      case op.resume: {
        const d = payload.d as { token?: string; session_id?: string; seq?: number };
        if (d.token !== this.options.token || !this.sessionId || d.session_id !== this.sessionId) {
          this.sendTo(socket, { op: op.invalidSession, d: false });
          return;
        }
        this.resumes++;
        for (const missed of this.history.filter((event) => (event.s ?? 0) > (d.seq ?? 0))) this.sendTo(socket, missed);
        this.dispatch('RESUMED', {});
        this.settle('resumed');
        return;
      }
      default:
        return;
    }
  }

  private settle(event: string): void {
    for (const waiter of this.waiters.filter((w) => w.test(event))) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  }

  private send(payload: GatewayPayload): void {
    if (this.socket) this.sendTo(this.socket, payload);
  }

  private sendTo(socket: WebSocket, payload: GatewayPayload): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  }
}
