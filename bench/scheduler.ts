// Figure 4, scheduler scale: `npx tsx bench/scheduler.ts [--smoke]`.
// 100,000 rhythms (one per community, each with a home channel and its bank of default prompts) and 100,000 future
// event reminders, written by a child process with raw inserts; then, in this fresh process: start-up (open +
// createScheduler + first tick), a tick with nothing due, a tick with a few due (prompts and channel reminders enqueued
// and sent), and peak RSS.
import SQLite from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { manualClock } from '../src/kernel/clock.js';
import { weeklyDigestDueAt } from '../src/reports/digest.js';
import { createScheduler } from '../src/scheduler/scheduler.js';
import { defaultPrompts } from '../src/rhythms/prompts.js';
import { nextOccurrence, type ScheduleRule } from '../src/rhythms/schedule.js';
import { openMigratedDatabase } from '../src/storage/database.js';
import { runTsx } from './lib/child.js';
import { finish, isMain, parseArgs, peakRssMb, percentile, row, seededRandom, sortedCopy, type BenchOptions, type Figure, type Row } from './lib/report.js';
import { benchDatabasePath, benchServices, instantConsolePort, removeBenchDatabase } from './lib/services.js';

const start = Date.parse('2026-11-23T10:00:00Z');
const weekMs = 7 * 86_400_000;
const zones = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'];
const clusterSize = 40;
const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** The child: migrates, then writes communities, home channels, rhythms, events and reminders in one transaction. */
async function fill(path: string, rhythms: number, reminders: number): Promise<void> {
  const db = await openMigratedDatabase(path);
  await db.destroy();
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  const random = seededRandom(4);
  // Each community's next weekly digest is scheduled, as in a running system: next Monday 09:00 (the default zone, UTC).
  const community = sqlite.prepare('insert into community (id, slug, name, status, created_at, updated_at, digest_due_at) values (?, ?, ?, ?, ?, ?, ?)');
  const nextDigestAt = weeklyDigestDueAt(start, 'UTC') + weekMs;
  const home = sqlite.prepare(
    "insert into home_channel (community_id, platform, workspace_id, channel_id, channel_name, linked_at) values (?, 'console', 'local', ?, ?, ?)",
  );
  const rhythm = sqlite.prepare(
    'insert into rhythm (community_id, schedule, anchor_date, timezone, next_run_at, created_at, updated_at) values (?, ?, null, ?, ?, ?, ?)',
  );
  const event = sqlite.prepare(
    "insert into event (id, community_id, title, starts_at, ends_at, timezone, reminders, status, created_at, updated_at) values (?, ?, ?, ?, ?, 'UTC', '1d,1h', 'scheduled', ?, ?)",
  );
  const reminder = sqlite.prepare('insert into event_reminder (event_id, lead_minutes, due_at) values (?, ?, ?)');
  const prompt = sqlite.prepare('insert into prompt (community_id, text, default_key, created_at) values (?, ?, ?, ?)');
  sqlite.transaction(() => {
    for (let id = 1; id <= rhythms; id++) {
      community.run(id, `cop-${id}`, `Community ${id}`, 'launched', start, start, nextDigestAt);
      home.run(id, `home-${id}`, `home-${id}`, start);
      // A running system wrote each community's default prompts at its first prompt: the posts measured are the usual ones.
      for (const { key, text } of defaultPrompts) prompt.run(id, text, key, start);
      const rule: ScheduleRule = {
        kind: 'weekly',
        weekday: 1 + Math.floor(random() * 7),
        hour: Math.floor(random() * 24),
        minute: Math.floor(random() * 4) * 15,
      };
      const zone = zones[id % zones.length]!;
      const schedule = `weekly ${days[rule.kind === 'weekly' ? rule.weekday - 1 : 0]} ${String(rule.kind === 'weekly' ? rule.hour : 0).padStart(2, '0')}:${String(rule.kind === 'weekly' ? rule.minute : 0).padStart(2, '0')}`;
      rhythm.run(id, schedule, zone, nextOccurrence(rule, zone, start) ?? null, start, start);
    }
    // Two reminders per event (1 day and 1 hour before), events spread over the coming eight days.
    for (let id = 1; id <= reminders / 2; id++) {
      const startsAt = start + 86_400_000 + Math.floor(random() * weekMs);
      event.run(id, 1 + (id % rhythms), `Event ${id}`, startsAt, startsAt + 3_600_000, start, start);
      reminder.run(id, 1440, startsAt - 86_400_000);
      reminder.run(id, 60, startsAt - 3_600_000);
    }
  })();
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
}

export async function runScheduler(options: BenchOptions): Promise<Figure> {
  const args = options;
  const began = performance.now();
  const rhythms = args.smoke ? 1_000 : 100_000;
  const reminders = args.smoke ? 1_000 : 100_000;
  const ticks = args.smoke ? 10 : 200;
  const path = benchDatabasePath('scheduler');
  const fillStarted = performance.now();
  // A child process writes the rows, so that this process's peak memory is the scheduler's alone.
  if (options.inProcess) await fill(path, rhythms, reminders);
  else await runTsx(fileURLToPath(import.meta.url), ['--fill', path, String(rhythms), String(reminders)], { timeoutMs: 300_000 });
  const fillSeconds = (performance.now() - fillStarted) / 1000;

  // Start-up as startWeaver does it: open and migrate the database, create the scheduler, run its first tick.
  const clock = manualClock(start);
  const port = instantConsolePort();
  const t0 = performance.now();
  const db = await openMigratedDatabase(path);
  const services = benchServices(db, clock, [port]);
  const scheduler = createScheduler(services, { owner: 'bench' });
  const first = await scheduler.tick();
  const startupMs = performance.now() - t0;
  if (!first.leader || first.nextDueAt === undefined) throw new Error('the first tick found nothing scheduled');

  const idle: number[] = [];
  for (let i = 0; i < ticks; i++) {
    const t = performance.now();
    await scheduler.tick();
    idle.push(performance.now() - t);
  }

  // A tick a minute through the schedule. Rhythms are set on the quarter hour, so a quarter-hour tick finds a cluster
  // (about 150 prompts at full size); the minutes between find a few reminders.
  const busy: number[] = [];
  const cluster: number[] = [];
  let clusterPosts = 0;
  // CPU time blurs least on a shared machine: what this process spent on the cluster ticks, user and system.
  let clusterCpuMs = 0;
  let enqueued = 0;
  for (let i = 0; i < ticks; i++) {
    clock.advance(60_000);
    const cpu = process.cpuUsage();
    const t = performance.now();
    const report = await scheduler.tick();
    const ms = performance.now() - t;
    enqueued += report.enqueued;
    if (report.enqueued > clusterSize) {
      const spent = process.cpuUsage(cpu);
      clusterCpuMs += (spent.user + spent.system) / 1000;
      cluster.push(ms);
      clusterPosts += report.enqueued;
    } else busy.push(ms);
  }
  await scheduler.stop();
  await db.destroy();
  removeBenchDatabase(path);

  const idleSorted = sortedCopy(idle);
  const busySorted = sortedCopy(busy);
  const clusterSorted = sortedCopy(cluster);
  const rows: Row[] = [
    row('start-up: open + scheduler + first tick', startupMs, 'ms', { goal: { max: 2000 } }),
    row('tick, nothing due, p50', percentile(idleSorted, 0.5), 'ms'),
    row('tick, nothing due, p99', percentile(idleSorted, 0.99), 'ms', { goal: { max: 10 } }),
    row('tick, a few due (between quarter hours), p50', percentile(busySorted, 0.5), 'ms'),
    row('tick, a few due (between quarter hours), p99', percentile(busySorted, 0.99), 'ms', { goal: { max: 10 } }),
    row('quarter-hour tick (a cluster), p50', cluster.length ? percentile(clusterSorted, 0.5) : 0, 'ms'),
    row('  per post enqueued and sent', clusterPosts ? cluster.reduce((sum, ms) => sum + ms, 0) / clusterPosts : 0, 'ms'),
    row('  CPU per post enqueued and sent', clusterPosts ? clusterCpuMs / clusterPosts : 0, 'ms'),
    row('posts enqueued per minute of schedule', enqueued / ticks, 'posts'),
    row('peak RSS', peakRssMb(), 'MB', { goal: { max: 250 } }),
  ];
  return {
    name: 'scheduler',
    title: `4. Scheduler: ${rhythms.toLocaleString('en-US')} rhythms, ${reminders.toLocaleString('en-US')} reminders`,
    size: args.smoke ? 'smoke' : 'full',
    rows,
    notes: [
      `"a few due": ticks with at most ${clusterSize} posts (${busy.length} of ${ticks}); the other ${cluster.length} fell on a quarter hour, where prompts cluster`,
      `filled in ${fillSeconds.toFixed(1)} s by a child process; ${ticks} ticks each; ${port.posts} posts sent through an instant port`,
    ],
    peakRssMb: peakRssMb(),
    seconds: (performance.now() - began) / 1000,
  };
}

if (isMain(import.meta.url)) {
  const at = process.argv.indexOf('--fill');
  if (at >= 0) await fill(process.argv[at + 1]!, Number(process.argv[at + 2]), Number(process.argv[at + 3]));
  else {
    const args = parseArgs();
    finish(args, await runScheduler(args));
  }
}
