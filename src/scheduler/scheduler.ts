import { randomUUID } from 'node:crypto';
import type { Services } from '../storage/services.js';
import { holdLeases, releaseLeases } from '../delivery/lease.js';
import { createInFlight, deliverDue, nextOutboxDueAt, pruneOutbox, type DeliveryReport, type InFlight } from '../delivery/outbox.js';
import { createPacer } from '../delivery/pacing.js';
import { enqueueWeeklyDigests } from '../reports/digest.js';
import { enqueueAnswerReminders } from '../harvest/remind.js';
import { bridgeUnansweredQuestions } from '../networks/bridges.js';
import { materializeDueReminders, nextReminderDueAt } from '../events/reminders.js';
import { materializeDueRhythms, nextRhythmDueAt } from '../rhythms/rhythms.js';
import { materializeDuePairing, nextPairingDueAt } from '../pairing/scheduled.js';
import { celebrateReachedGoals, nextGoalCheckAt } from '../goals/celebrate.js';
import type { Db } from '../storage/database.js';

export type TickReport = Readonly<{
  /** False when other processes hold every job's lease: this one scheduled nothing (it still sent what was due). */
  leader: boolean;
  enqueued: number;
  delivery?: DeliveryReport;
  /** When something is next due, by the database; undefined when nothing is scheduled at all. */
  nextDueAt?: number;
}>;

export type Scheduler = Readonly<{
  owner: string;
  /** One step: turn due rhythms and reminders into outbox rows (each job under its lease), send what is due (and await the sends). */
  tick(): Promise<TickReport>;
  /** Runs ticks on one timer, armed for the next due time (or the heartbeat, to renew the lease). */
  start(): void;
  stop(): Promise<void>;
}>;

/** Something that falls due by the clock: it turns what is due into outbox rows, and says when it is next due. */
export type ScheduledJob = Readonly<{
  name: string;
  materializeDue(services: Services, now: number): Promise<string[]>;
  nextDueAt(db: Db): Promise<number | undefined>;
}>;

// Jobs that are not due to the minute say nothing of when they are next due: the heartbeat runs them.
const onHeartbeat = async () => undefined;

const outboxRetentionMs = 30 * 86_400_000;

// Sent direct messages, reminders and digests are kept a month for the record, then go (an index makes it cheap).
async function pruneOldOutboxRows(services: Services, now: number): Promise<string[]> {
  await pruneOutbox(services.db, now - outboxRetentionMs);
  return [];
}

// Every job the loop runs, each tick, in this order.
export const scheduledJobs: readonly ScheduledJob[] = [
  { name: 'rhythms', materializeDue: materializeDueRhythms, nextDueAt: nextRhythmDueAt },
  { name: 'event reminders', materializeDue: materializeDueReminders, nextDueAt: nextReminderDueAt },
  { name: 'peer exchange', materializeDue: materializeDuePairing, nextDueAt: nextPairingDueAt },
  { name: 'weekly digests', materializeDue: enqueueWeeklyDigests, nextDueAt: onHeartbeat },
  { name: 'goal celebrations', materializeDue: celebrateReachedGoals, nextDueAt: nextGoalCheckAt },
  { name: 'answer reminders', materializeDue: enqueueAnswerReminders, nextDueAt: onHeartbeat },
  { name: 'bridges', materializeDue: bridgeUnansweredQuestions, nextDueAt: onHeartbeat },
  { name: 'outbox pruning', materializeDue: pruneOldOutboxRows, nextDueAt: onHeartbeat },
];

export type SchedulerOptions = Readonly<{
  owner?: string;
  jobs?: readonly ScheduledJob[];
  leaseMs?: number;
  /** The longest the loop sleeps: it renews the lease and notices rows other processes or commands wrote. */
  heartbeatMs?: number;
}>;

const leaseOf = (job: ScheduledJob) => `job:${job.name}`;
const minimumDelayMs = 250;

/**
 * The one loop for every scheduled post. It never arms a timer per schedule: it asks the database what is due
 * next. Any number of processes may run it on one database: each job runs in one process at a time (a lease per
 * job, so different processes may run different jobs), every process sends, and the outbox's unique keys and row
 * claims make a second post of the same occurrence impossible.
 */
export function createScheduler(services: Services, options: SchedulerOptions = {}): Scheduler {
  const owner = options.owner ?? `weaver-${process.pid}-${randomUUID().slice(0, 8)}`;
  const leaseMs = options.leaseMs ?? 60_000;
  const heartbeatMs = options.heartbeatMs ?? Math.min(15_000, leaseMs / 3);
  const pacer = createPacer();
  const jobs = options.jobs ?? scheduledJobs;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  // The loop's sends outlive its ticks: the next tick starts more while earlier answers are still on their way.
  const inFlight = createInFlight();

  async function tick(): Promise<TickReport> {
    return step();
  }

  async function step(background?: InFlight): Promise<TickReport> {
    const { db, clock } = services;
    const now = clock.now();
    let enqueued = 0;
    const held = await holdLeases(db, jobs.map(leaseOf), owner, now, leaseMs);
    for (const job of jobs) {
      if (!held.has(leaseOf(job))) continue;
      try {
        enqueued += (await job.materializeDue(services, now)).length;
      } catch (error) {
        // One job's failure must not hold back the others, nor the posts already in the outbox.
        services.log.error({ err: error, job: job.name }, 'scheduled job failed');
      }
    }
    const delivery = await deliverDue(services, { owner, pacer, inFlight: background });
    const due = [...(await Promise.all(jobs.map((job) => job.nextDueAt(db)))), await nextOutboxDueAt(db)].filter((at): at is number => at !== undefined);
    return { leader: held.size > 0, enqueued, delivery, nextDueAt: due.length ? Math.min(...due) : undefined };
  }

  function arm(delayMs: number): void {
    if (stopped) return;
    timer = setTimeout(() => void loop(), Math.max(0, delayMs));
    timer.unref();
  }

  async function loop(): Promise<void> {
    let delay = heartbeatMs;
    try {
      const ticking = step(inFlight);
      running = ticking;
      const report = await ticking;
      // Something still due right after a tick (a large backlog, a failing job) is retried soon, never in a busy loop.
      if (report.nextDueAt !== undefined) delay = Math.min(heartbeatMs, Math.max(minimumDelayMs, report.nextDueAt - services.clock.now()));
      // A send answered with "retry" is due again sooner than the heartbeat may come: look again while sends are out.
      if (inFlight.count() > 0) delay = Math.min(delay, 1000);
    } catch (error) {
      services.log.error({ err: error }, 'scheduler tick failed');
    } finally {
      running = undefined;
    }
    arm(delay);
  }

  return {
    owner,
    tick,
    start() {
      stopped = false;
      arm(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running?.catch(() => undefined);
      await inFlight.drain();
      await releaseLeases(services.db, jobs.map(leaseOf), owner).catch(() => undefined);
    },
  };
}
