import { randomUUID } from 'node:crypto';
import { setImmediate } from 'node:timers';
import { sql } from 'kysely';
import type { Services } from '../storage/services.js';
import { platforms, type ChannelRef, type Platform, type UserRef } from '../kernel/identity.js';
import { DeliveryError, type Destination, type PlatformPort, type PostedMessage } from '../kernel/ports.js';
import { chunk } from '../kernel/chunk.js';
import type { Reply } from '../kernel/reply.js';
import type { Db } from '../storage/database.js';
import { isPostgres } from '../storage/engine.js';
import type { OutboxRow } from '../storage/rhythm-schema.js';
import { createPacer, type PacedRequest, type Pacer } from './pacing.js';

/**
 * Where a post goes: a channel (optionally into a thread), a person by direct message, or a group of people of one
 * workspace in a conversation of their own (made `near` a channel where the platform needs one).
 */
export type OutboxTarget = Readonly<{ channel: ChannelRef }> | Readonly<{ user: UserRef }> | Readonly<{ group: readonly UserRef[]; near?: ChannelRef }>;

export type OutboxItem = Readonly<{
  /** Names the post and its destination, e.g. `prompt:<rhythmId>:<occurrence>:<platform>:<workspace>:<channel>`; a second enqueue is a no-op. */
  key: string;
  target: OutboxTarget;
  reply: Reply;
  notBefore: number;
  /** Not sent at all after this instant (a reminder once the event has begun); the row is marked failed, expired. */
  expiresAt?: number;
  /** Post in the thread of this message id. */
  threadOf?: string;
}>;

/** Writes a post to the outbox before anything is sent; returns its row id, and whether this call created it. */
export async function enqueue(db: Db, item: OutboxItem, now: number): Promise<{ id: number; created: boolean }> {
  const [queued] = await enqueueAll(db, [item], now);
  return queued!;
}

/** Writes many posts at once (a tick's prompts), 500 to a statement; returns each one's row id and whether it is new. */
export async function enqueueAll(db: Db, items: readonly OutboxItem[], now: number): Promise<{ id: number; created: boolean }[]> {
  const ids = new Map<string, { id: number; created: boolean }>();
  for (const batch of chunk(items, 500)) {
    const inserted = await db
      .insertInto('outbox')
      .values(batch.map((item) => outboxValues(item, now)))
      .onConflict((oc) => oc.column('key').doNothing())
      .returning(['id', 'key'])
      .execute();
    for (const row of inserted) ids.set(row.key, { id: row.id, created: true });
    const existing = batch.filter((item) => !ids.has(item.key)).map((item) => item.key);
    if (existing.length === 0) continue;
    for (const row of await db.selectFrom('outbox').select(['id', 'key']).where('key', 'in', existing).execute())
      ids.set(row.key, { id: row.id, created: false });
  }
  return items.map((item) => {
    const queued = ids.get(item.key);
    if (!queued) throw new Error(`outbox row ${item.key} is gone`);
    return queued;
  });
}

function outboxValues(item: OutboxItem, now: number) {
  const target = item.target;
  const { platform, workspaceId, channelId, userId } = locate(target);
  return {
    key: item.key,
    platform,
    workspace_id: workspaceId,
    channel_id: channelId,
    user_id: userId,
    group_user_ids: 'group' in target ? JSON.stringify(target.group.map((user) => user.userId)) : null,
    thread_id: item.threadOf ?? null,
    reply: JSON.stringify(item.reply),
    not_before: item.notBefore,
    expires_at: item.expiresAt ?? null,
    next_attempt_at: item.notBefore,
    created_at: now,
  };
}

// A group's row names its channel when it has one, else its first person: every row has exactly one of the two.
function locate(target: OutboxTarget): { platform: Platform; workspaceId: string; channelId: string | null; userId: string | null } {
  if ('channel' in target) return { ...target.channel, userId: null };
  if ('user' in target) return { ...target.user, channelId: null };
  const first = target.group[0];
  if (!first) throw new Error('a group post needs at least one person');
  if (target.group.some((user) => user.platform !== first.platform || user.workspaceId !== first.workspaceId)) {
    throw new Error('a group post goes to people of one workspace');
  }
  return { platform: first.platform, workspaceId: first.workspaceId, channelId: target.near?.channelId ?? null, userId: target.near ? null : first.userId };
}

/** A post not yet sent gets the newer text (e.g. fresh RSVP counts); returns false when it was already sent. */
export async function replaceQueuedReply(db: Db, id: number, reply: Reply): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ reply: JSON.stringify(reply) })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export type OutboxEdit = Readonly<{
  /** One per message edited, e.g. `edit:<key of the post>`: edits of the same message share one row. */
  key: string;
  channel: ChannelRef;
  messageId: string;
  reply: Reply;
  notBefore: number;
  expiresAt?: number;
}>;

/**
 * Queues an edit of a message already posted. While the edit waits (paced, or retrying) a newer one replaces its
 * content, so a burst of changes becomes one edit; once sent, the row is reopened for the next change.
 */
export async function enqueueEdit(db: Db, edit: OutboxEdit, now: number): Promise<void> {
  const reply = JSON.stringify(edit.reply);
  await db
    .insertInto('outbox')
    .values({
      key: edit.key,
      kind: 'edit',
      platform: edit.channel.platform,
      workspace_id: edit.channel.workspaceId,
      channel_id: edit.channel.channelId,
      user_id: null,
      thread_id: null,
      edit_message_id: edit.messageId,
      reply,
      not_before: edit.notBefore,
      expires_at: edit.expiresAt ?? null,
      next_attempt_at: edit.notBefore,
      created_at: now,
    })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        reply,
        revision: sql<number>`${eb.ref('outbox.revision')} + 1`,
        status: 'pending',
        last_error: null,
        expires_at: edit.expiresAt ?? null,
        // A waiting edit keeps its turn; a finished one is due again.
        next_attempt_at: sql<number>`case when ${eb.ref('outbox.status')} = 'pending' then ${eb.ref('outbox.next_attempt_at')} else ${edit.notBefore} end`,
        attempts: sql<number>`case when ${eb.ref('outbox.status')} = 'pending' then ${eb.ref('outbox.attempts')} else 0 end`,
        not_before: sql<number>`case when ${eb.ref('outbox.status')} = 'pending' then ${eb.ref('outbox.not_before')} else ${edit.notBefore} end`,
      })),
    )
    .execute();
}

/** Gives up a row not yet sent nor being sent (its sender told someone it failed); false when it is past that. */
export async function withdrawQueued(db: Db, key: string, reason: string): Promise<boolean> {
  const result = await db
    .updateTable('outbox')
    .set({ status: 'failed', last_error: `withdrawn: ${reason}` })
    .where('key', '=', key)
    .where('status', '=', 'pending')
    .where('claimed_by', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function findOutboxRow(db: Db, key: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox').selectAll().where('key', '=', key).executeTakeFirst();
}

// A send that takes longer than this is presumed dead (its process crashed), and another sender may take the row.
const defaultClaimMs = 2 * 60 * 1000;
// Transient failures are retried, but a post still failing after a day is stale: it is given up, with the reason kept.
const maxRetryAgeMs = 24 * 60 * 60 * 1000;
// Sends in flight at once for one sender: enough that round trips overlap, far under what the pacer lets start.
const defaultMaxInFlight = 256;

export function retryDelayMs(attempts: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 10 * 60 * 1000);
}

/** Sends a sender has started and not yet seen answered; the scheduler's loop goes on while they are in flight. */
export type InFlight = Readonly<{
  count(): number;
  /** Destinations with a send on its way: one at a time each, so posts keep their order and a 429 holds the rest. */
  destinations: Set<string>;
  track(send: Promise<unknown>): void;
  /** Settles once every send tracked so far has its outcome recorded. */
  drain(): Promise<void>;
}>;

export function createInFlight(): InFlight {
  const sends = new Set<Promise<unknown>>();
  return {
    destinations: new Set(),
    count: () => sends.size,
    track(send) {
      const tracked = send.catch(() => undefined).finally(() => sends.delete(tracked));
      sends.add(tracked);
    },
    async drain() {
      while (sends.size > 0) await Promise.all([...sends]);
    },
  };
}

export type DeliveryOptions = Readonly<{
  /** Who is sending: a scheduler's lease owner, or a command's own id. */
  owner: string;
  pacer?: Pacer;
  /** Only these keys (a command delivering what it just enqueued); otherwise everything due. */
  keys?: readonly string[];
  limit?: number;
  /**
   * Sends are started and tracked here, and deliverDue returns without waiting for their answers (the scheduler's
   * loop). Without it, deliverDue waits for every send it started, all of them in flight at once.
   */
  inFlight?: InFlight;
  maxInFlight?: number;
}>;

export type DeliveryReport = { sent: number; failed: number; retrying: number; deferred: number; started: number };

/**
 * Sends the due posts and edits, each claimed first so that no two senders send the same row, paced per destination
 * and per platform. Many destinations are in flight at once: delivery time is set by the rate limits, not round trips.
 */
export async function deliverDue(services: Services, options: DeliveryOptions): Promise<DeliveryReport> {
  const { db, clock } = services;
  const pacer = options.pacer ?? createPacer();
  const report: DeliveryReport = { sent: 0, failed: 0, retrying: 0, deferred: 0, started: 0 };
  if (options.keys && options.keys.length === 0) return report;
  const claimMs = services.settings.outboxClaimMs ?? defaultClaimMs;
  const maxInFlight = options.maxInFlight ?? defaultMaxInFlight;
  const claimed = await claimDue(db, { owner: options.owner, now: clock.now(), claimMs, limit: options.limit ?? 500, keys: options.keys });
  const requests = await pacedRequests(services, claimed);
  const awaited: Promise<void>[] = [];
  const busy = options.inFlight?.destinations ?? new Set<string>();
  let superseded = false;
  let waiting = 0;
  // Claimed rows that are not sent now go back at once: those that must wait for their turn by the instant it comes
  // (one statement per instant, not one per row), the rest as they were.
  const deferrals = new Map<number, number[]>();
  const unsent: number[] = [];
  const starting: { row: OutboxRow; destination: string; request: PacedRequest }[] = [];
  for (const row of claimed) {
    const now = clock.now();
    if (row.expires_at !== null && now > row.expires_at) {
      await expire(services, row, now);
      report.failed++;
      continue;
    }
    const destination = `${row.platform}:${destinationOf(row)}`;
    if ((options.inFlight?.count() ?? 0) + starting.length >= maxInFlight || busy.has(destination)) {
      if (busy.has(destination)) waiting++;
      unsent.push(row.id);
      continue;
    }
    const request = requests.get(row.id) ?? 'post';
    const slot = pacer.reserve(row.platform, destinationOf(row), now, request);
    if (slot > now) {
      deferrals.set(slot, [...(deferrals.get(slot) ?? []), row.id]);
      report.deferred++;
      continue;
    }
    report.started++;
    busy.add(destination);
    starting.push({ row, destination, request });
  }
  // A DM that opens its channel first may wait for its post's turn after the open: it writes its own start.
  const started = starting.filter((start) => start.request !== 'open').map((start) => start.row.id);
  try {
    await markSendsStarted(db, options.owner, started, clock.now());
  } catch (error) {
    for (const start of starting) busy.delete(start.destination);
    throw error;
  }
  for (const { row, destination, request } of starting) {
    const delivery = deliverRow(services, row, options.owner, pacer, request === 'open').then((outcome) => {
      busy.delete(destination);
      if (outcome === 'superseded') superseded = true;
      report[outcome === 'sent' || outcome === 'superseded' ? 'sent' : outcome === 'retry' ? 'retrying' : outcome]++;
    });
    if (options.inFlight) options.inFlight.track(delivery);
    else awaited.push(delivery);
  }
  await releaseClaims(db, options.owner, unsent);
  for (const [slot, rowIds] of deferrals) await releaseClaims(db, options.owner, rowIds, slot);
  await Promise.all(awaited);
  // Rows that waited behind another send to their destination go now (or are deferred by what it met); an edit whose
  // content changed while it was being sent goes once more, with the newest content.
  if (!options.inFlight && (waiting > 0 || (superseded && options.keys))) {
    const again = await deliverDue(services, { ...options, pacer });
    for (const field of ['sent', 'failed', 'retrying', 'deferred', 'started'] as const) report[field] += again[field];
  }
  return report;
}

/**
 * Claims the due rows in one statement, oldest first. On PostgreSQL the rows are locked with SKIP LOCKED, so that
 * several processes claiming at once each take different rows without waiting on one another; SQLite has one
 * writer, so the statement alone is enough. A claim lapses after `claimMs`, so a process that dies holding rows
 * loses them to the others (looked for on the platform first when their send had started).
 */
async function claimDue(db: Db, claim: { owner: string; now: number; claimMs: number; limit: number; keys?: readonly string[] }): Promise<OutboxRow[]> {
  // Up to the limit on each platform: a fan-out of one platform's direct messages never keeps the other's budget idle.
  const rows = (await Promise.all(platforms.map((platform) => claimDueOn(db, platform, claim)))).flat();
  return rows.sort((a, b) => a.next_attempt_at - b.next_attempt_at || a.id - b.id);
}

async function claimDueOn(db: Db, platform: Platform, claim: { owner: string; now: number; claimMs: number; limit: number; keys?: readonly string[] }) {
  const { owner, now } = claim;
  let due = db
    .selectFrom('outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('platform', '=', platform)
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(claim.limit);
  if (claim.keys) due = due.where('key', 'in', claim.keys);
  if (isPostgres(db)) due = due.forUpdate().skipLocked();
  return db
    .updateTable('outbox')
    .set({ claimed_by: owner, claimed_until: now + claim.claimMs })
    .where('id', 'in', due)
    .returningAll()
    .execute();
}

/**
 * What each claimed row asks of the platform's budget. A channel post is one request; a direct message is one too
 * where the DM channel is already open, and where the platform opens DM channels by a request of its own (Discord)
 * a new person's DM starts with the open alone: the post is paced after it, so that each counts at the instant it
 * goes out. (Counted as one unit of two, the post went a round trip after its turn and met the next second's requests
 * in Discord's global window.) One read of the remembered DM channels for all the rows.
 */
async function pacedRequests(services: Services, rows: readonly OutboxRow[]): Promise<Map<number, PacedRequest>> {
  const requests = new Map<number, PacedRequest>();
  const direct: OutboxRow[] = [];
  for (const row of rows) {
    if (row.user_id === null) continue;
    const opensFirst = row.kind === 'post' && row.group_user_ids === null && services.platforms.get(row.platform)?.openDirectMessage !== undefined;
    if (opensFirst) direct.push(row);
    else requests.set(row.id, 'direct-message');
  }
  for (const batch of chunk(direct, 500)) {
    const open = await services.db
      .selectFrom('direct_message_channel')
      .select(['platform', 'workspace_id', 'user_id'])
      // Every column of the key, so that the read is an index lookup per person, not a scan of everyone's channels.
      .where('platform', 'in', [...new Set(batch.map((row) => row.platform))])
      .where('workspace_id', 'in', [...new Set(batch.map((row) => row.workspace_id))])
      .where('user_id', 'in', [...new Set(batch.map((row) => row.user_id ?? ''))])
      .execute();
    const known = new Set(open.map((channel) => `${channel.platform}:${channel.workspace_id}:${channel.user_id}`));
    for (const row of batch) requests.set(row.id, known.has(`${row.platform}:${row.workspace_id}:${row.user_id}`) ? 'post' : 'open');
  }
  return requests;
}

/**
 * Written before the platform is called, for all the rows a pass starts in one statement: a row that dies after this
 * is looked for on the platform before it is sent again. An earlier start is kept: the look goes back to it.
 */
async function markSendsStarted(db: Db, owner: string, ids: readonly number[], now: number): Promise<void> {
  for (const batch of chunk(ids, 500)) {
    await db
      .updateTable('outbox')
      .set((eb) => ({ send_started_at: eb.fn.coalesce('send_started_at', eb.val(now)) }))
      .where('id', 'in', batch)
      .where('claimed_by', '=', owner)
      .execute();
  }
}

/** Gives claimed rows back untouched, or due again at `notBefore` (their turn by the pacing). */
async function releaseClaims(db: Db, owner: string, ids: readonly number[], notBefore?: number): Promise<void> {
  for (const batch of chunk(ids, 500)) {
    await db
      .updateTable('outbox')
      .set({ claimed_by: null, claimed_until: null, ...(notBefore === undefined ? {} : { next_attempt_at: notBefore }) })
      .where('id', 'in', batch)
      .where('claimed_by', '=', owner)
      .where('status', '=', 'pending')
      .execute();
  }
}

type SendOutcome =
  { kind: 'sent'; posted: PostedMessage } | { kind: 'retry'; error: string; retryAfterMs?: number; rejected: boolean } | { kind: 'failed'; error: string };

type RowOutcome = 'sent' | 'superseded' | 'retry' | 'failed' | 'deferred';

/**
 * One claimed row: its DM channel opened first where that is a request of its own (the post then waits for its own
 * turn), looked for if an earlier send of it may have gone out, then sent, and its outcome recorded.
 */
async function deliverRow(services: Services, row: OutboxRow, owner: string, pacer: Pacer, openFirst: boolean): Promise<RowOutcome> {
  try {
    if (openFirst) {
      const failed = await openDirectMessage(services, row);
      if (failed) return await recordOutcome(services, row, failed, pacer);
      const now = services.clock.now();
      const turn = pacer.reserve(row.platform, destinationOf(row), now);
      if (turn > now) {
        await releaseClaims(services.db, owner, [row.id], turn);
        return 'deferred';
      }
    }
    const found = row.kind === 'post' && row.send_started_at !== null ? await lookForEarlierSend(services, row) : undefined;
    if (found?.kind === 'retry') return await recordOutcome(services, row, found, pacer);
    if (found?.kind === 'sent') {
      services.log.info({ key: row.key }, 'outbox post found already sent; not sent again');
      return await recordOutcome(services, row, found, pacer);
    }
    if (openFirst) await markSendsStarted(services.db, owner, [row.id], services.clock.now());
    return await recordOutcome(services, row, await send(services, row), pacer);
  } catch (error) {
    // The database failed under us: the claim lapses and the row is taken again, looked for first if it was started.
    services.log.error({ err: error, key: row.key }, 'outbox delivery failed');
    return 'retry';
  }
}

/** After a send whose answer never came: the platform is asked whether the post is there, where it can say. */
async function lookForEarlierSend(services: Services, row: OutboxRow): Promise<SendOutcome | undefined> {
  const platform = row.platform;
  const port = services.platforms.get(platform);
  if (!port?.findSent || row.send_started_at === null) return undefined;
  // A group post is looked for in the conversation its first attempt opened, remembered on the row before it posted
  // there; a row from before that was remembered is looked for among the group's conversations by the port.
  const group = row.group_user_ids !== null;
  const destination: Destination =
    group && row.conversation_id !== null ? { channel: { platform, workspaceId: row.workspace_id, channelId: row.conversation_id } } : destinationRefOf(row);
  try {
    const posted = await port.findSent(destination, row.key, row.send_started_at);
    if (posted && group) return { kind: 'sent', posted: { ...posted, conversationId: row.conversation_id ?? undefined } };
    return posted ? { kind: 'sent', posted } : undefined;
  } catch (error) {
    // A group DM the app may not read (a Slack install from before mpim:history) would never be looked into: the
    // introduction is sent again, at worst twice, rather than held back for a day and dropped.
    if (group && error instanceof DeliveryError && error.permanent) {
      services.log.warn({ key: row.key, error: error.message }, 'cannot look for an earlier group post; sending it again');
      return undefined;
    }
    // Not knowing is no reason to risk a second post: the row waits and is looked for again.
    const message = error instanceof Error ? error.message : String(error);
    const retryAfterMs = error instanceof DeliveryError ? error.retryAfterMs : undefined;
    return { kind: 'retry', error: `could not check for an earlier send: ${message}`, retryAfterMs, rejected: false };
  }
}

/** Opens the person's DM channel; a failure is the row's outcome (nothing was posted: opening posts nothing). */
async function openDirectMessage(services: Services, row: OutboxRow): Promise<SendOutcome | undefined> {
  try {
    await services.platforms.get(row.platform)?.openDirectMessage?.({ platform: row.platform, workspaceId: row.workspace_id, userId: row.user_id ?? '' });
    return undefined;
  } catch (error) {
    const outcome = outcomeOfError(services, row, error);
    return outcome.kind === 'retry' ? { ...outcome, rejected: true } : outcome;
  }
}

function destinationRefOf(row: OutboxRow): Destination {
  const platform = row.platform;
  if (row.group_user_ids !== null) {
    const group = usersOf(row);
    return row.channel_id !== null ? { group, near: { platform, workspaceId: row.workspace_id, channelId: row.channel_id } } : { group };
  }
  return row.channel_id !== null
    ? { channel: { platform, workspaceId: row.workspace_id, channelId: row.channel_id }, threadId: row.thread_id ?? undefined }
    : { user: { platform, workspaceId: row.workspace_id, userId: row.user_id ?? '' } };
}

async function send(services: Services, row: OutboxRow): Promise<SendOutcome> {
  const platform = row.platform;
  const port = services.platforms.get(platform);
  if (!port) return { kind: 'failed', error: `no ${platform} connection in this process` };
  const reply = JSON.parse(row.reply) as Reply;
  try {
    if (row.kind === 'edit') {
      const channel = { platform, workspaceId: row.workspace_id, channelId: row.channel_id ?? '' };
      await port.updateMessage(channel, row.edit_message_id ?? '', reply);
      return { kind: 'sent', posted: { messageId: row.edit_message_id ?? '' } };
    }
    if (row.group_user_ids !== null) return { kind: 'sent', posted: await sendToGroup(services.db, port, row, reply) };
    const posted =
      row.channel_id !== null
        ? await port.postMessage({ platform, workspaceId: row.workspace_id, channelId: row.channel_id }, reply, {
            ...(row.thread_id ? { threadId: row.thread_id } : {}),
            idempotencyKey: row.key,
          })
        : await port.sendDirectMessage({ platform, workspaceId: row.workspace_id, userId: row.user_id ?? '' }, reply, { idempotencyKey: row.key });
    return { kind: 'sent', posted };
  } catch (error) {
    return outcomeOfError(services, row, error);
  }
}

function outcomeOfError(services: Services, row: OutboxRow, error: unknown): SendOutcome {
  if (error instanceof DeliveryError) {
    // A rate limit answer means the platform refused the call: nothing was posted. Other errors may hide a post.
    const rejected = error.retryAfterMs !== undefined;
    return error.permanent ? { kind: 'failed', error: error.message } : { kind: 'retry', error: error.message, retryAfterMs: error.retryAfterMs, rejected };
  }
  // Anything else (a network error, an adapter bug) is treated as transient, and logged in full.
  services.log.error({ err: error, key: row.key }, 'outbox send failed unexpectedly');
  return { kind: 'retry', error: error instanceof Error ? error.message : String(error), rejected: false };
}

function usersOf(row: OutboxRow): UserRef[] {
  return (JSON.parse(row.group_user_ids ?? '[]') as string[]).map((userId) => ({ platform: row.platform, workspaceId: row.workspace_id, userId }));
}

async function sendToGroup(db: Db, port: PlatformPort, row: OutboxRow, reply: Reply): Promise<PostedMessage> {
  const platform = row.platform;
  const users = usersOf(row);
  const near = row.channel_id !== null ? { platform, workspaceId: row.workspace_id, channelId: row.channel_id } : undefined;
  // The conversation is remembered before anything is posted in it: a retry posts there again, with the same key.
  const onOpened = async (conversationId: string) =>
    void (await db.updateTable('outbox').set({ conversation_id: conversationId }).where('id', '=', row.id).execute());
  if (port.openGroupConversation) {
    return port.openGroupConversation(users, reply, { near, idempotencyKey: row.key, conversationId: row.conversation_id ?? undefined, onOpened });
  }
  // A platform without group conversations gets one direct message each; the first names the post.
  const posted = await Promise.all(users.map((user) => port.sendDirectMessage(user, reply, { idempotencyKey: `${row.key}:${user.userId}` })));
  return posted[0] ?? { messageId: '' };
}

async function recordOutcome(services: Services, row: OutboxRow, outcome: SendOutcome, pacer: Pacer): Promise<'sent' | 'superseded' | 'retry' | 'failed'> {
  const { db, clock, log } = services;
  const now = clock.now();
  const released = { claimed_by: null, claimed_until: null };
  if (outcome.kind === 'sent' && row.kind === 'edit') {
    // A delivered edit leaves nothing to keep: the post's own row has the message; the next change starts a new row.
    const done = await db.deleteFrom('outbox').where('id', '=', row.id).where('revision', '=', row.revision).executeTakeFirst();
    if (Number(done.numDeletedRows) === 1) return 'sent';
  }
  if (outcome.kind === 'sent' && row.kind === 'post') {
    const done = await writeTogether(db, (trx) =>
      trx
        .updateTable('outbox')
        .set({
          ...released,
          status: 'sent',
          message_id: outcome.posted.messageId,
          permalink: outcome.posted.permalink ?? null,
          conversation_id: outcome.posted.conversationId ?? null,
          sent_at: now,
          send_started_at: null,
          attempts: row.attempts + 1,
        })
        .where('id', '=', row.id)
        .where('revision', '=', row.revision)
        .executeTakeFirst(),
    );
    if (Number(done.numUpdatedRows) === 1) return 'sent';
  }
  if (outcome.kind === 'sent') {
    // Newer content came while this edit was on its way: the row stays pending, due now, for one more edit.
    await db
      .updateTable('outbox')
      .set({ ...released, send_started_at: null, attempts: row.attempts + 1, next_attempt_at: now })
      .where('id', '=', row.id)
      .execute();
    return 'superseded';
  }
  const attempts = row.attempts + 1;
  if (outcome.kind === 'retry' && now - row.not_before < maxRetryAgeMs) {
    const retryAt = now + (outcome.retryAfterMs ?? retryDelayMs(attempts));
    pacer.pause(row.platform, destinationOf(row), retryAt);
    await db
      .updateTable('outbox')
      .set({
        ...released,
        attempts,
        next_attempt_at: retryAt,
        last_error: outcome.error,
        // Only a refusal proves nothing was posted; after any other failure the next attempt looks first.
        ...(outcome.rejected && row.send_started_at === null ? { send_started_at: null } : {}),
      })
      .where('id', '=', row.id)
      .execute();
    log.warn({ key: row.key, attempts, retryAt, error: outcome.error }, 'outbox post will be retried');
    return 'retry';
  }
  const reason = outcome.kind === 'retry' ? `gave up after ${attempts} attempts over a day: ${outcome.error}` : outcome.error;
  await db
    .updateTable('outbox')
    .set({ ...released, attempts, status: 'failed', last_error: reason, send_started_at: null })
    .where('id', '=', row.id)
    .execute();
  log.warn({ key: row.key, reason }, 'outbox post failed for good');
  return 'failed';
}

type QueuedWrite = Readonly<{ write: (trx: Db) => Promise<unknown>; resolve: (result: unknown) => void; reject: (error: unknown) => void }>;

// Per database, the writes queued in this turn of the event loop, written together at its end.
const queuedWrites = new WeakMap<Db, QueuedWrite[]>();

/**
 * Runs `write` in one transaction with the others queued in the same turn of the event loop: a fan-out's answers come
 * back together, and a commit each was most of what recording them cost. It settles once its write is committed, so
 * nothing tells anyone of a send before its outcome is stored. (On SQLite the transaction runs from start to commit
 * in one turn, with nothing else of this process in between.)
 */
function writeTogether<T>(db: Db, write: (trx: Db) => Promise<T>): Promise<T> {
  if (db.isTransaction) return write(db);
  return new Promise<T>((resolve, reject) => {
    let queue = queuedWrites.get(db);
    if (!queue) {
      const fresh: QueuedWrite[] = [];
      queuedWrites.set(db, fresh);
      setImmediate(() => {
        queuedWrites.delete(db);
        void writeQueued(db, fresh);
      });
      queue = fresh;
    }
    queue.push({ write, resolve: resolve as (result: unknown) => void, reject });
  });
}

async function writeQueued(db: Db, queue: readonly QueuedWrite[]): Promise<void> {
  try {
    const results =
      queue.length === 1
        ? [await queue[0]!.write(db)]
        : await db.transaction().execute(async (trx) => {
            const written: unknown[] = [];
            for (const { write } of queue) written.push(await write(trx));
            return written;
          });
    queue.forEach((entry, i) => entry.resolve(results[i]));
  } catch (error) {
    if (queue.length === 1) return queue[0]!.reject(error);
    // The transaction failed with one of its writes: each is tried alone, so that the others are still recorded.
    for (const entry of queue) await entry.write(db).then(entry.resolve, entry.reject);
  }
}

async function expire(services: Services, row: OutboxRow, now: number): Promise<void> {
  const reason = `expired unsent: it was due by ${new Date(row.expires_at ?? now).toISOString()}`;
  await services.db
    .updateTable('outbox')
    .set({ status: 'failed', last_error: reason, claimed_by: null, claimed_until: null })
    .where('id', '=', row.id)
    .where('status', '=', 'pending')
    .execute();
  services.log.warn({ key: row.key, reason }, 'outbox post skipped');
}

/** The destination a platform rate-limits on: the channel, or the person's direct-message conversation. */
function destinationOf(row: OutboxRow): string {
  return row.channel_id !== null ? `${row.workspace_id}:#${row.channel_id}` : `${row.workspace_id}:@${row.user_id}`;
}

/** When the outbox next has something to send (a claimed row counts once its claim lapses), or undefined. */
export async function nextOutboxDueAt(db: Db): Promise<number | undefined> {
  const row = await db
    .selectFrom('outbox')
    .select(sql<number | null>`min(case when claimed_until > next_attempt_at then claimed_until else next_attempt_at end)`.as('due'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return row?.due ?? undefined;
}

/** For commands: sends what they just enqueued, now, rather than at the scheduler's next tick. */
export async function deliverNow(services: Services, keys: readonly string[]): Promise<OutboxRow[]> {
  await deliverDue(services, { owner: `command-${randomUUID().slice(0, 8)}`, keys });
  return keys.length ? services.db.selectFrom('outbox').selectAll().where('key', 'in', keys).orderBy('id').execute() : [];
}

/**
 * Deletes delivered or abandoned rows older than `before`, except the posts of prompts and events: replies in a
 * prompt's thread and RSVP updates of an event post still find those by their rows.
 */
export async function pruneOutbox(db: Db, before: number): Promise<number> {
  const result = await db
    .deleteFrom('outbox')
    .where('status', '!=', 'pending')
    .where('created_at', '<', before)
    .where('id', 'not in', (eb) => eb.selectFrom('prompt_post').select('outbox_id'))
    .where('id', 'not in', (eb) => eb.selectFrom('event_post').select('outbox_id'))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
