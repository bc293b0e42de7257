import { Cron } from 'croner';
import { DateTime, IANAZone } from 'luxon';

// Luxon: 1 is Monday, 7 is Sunday.
const weekdayNames = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const weekdayLongNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const ordinals = ['1st', '2nd', '3rd', '4th', 'last'] as const;
type Ordinal = (typeof ordinals)[number];

export type WallClockRule = Readonly<{ weekday: number; hour: number; minute: number }>;

/** A recurrence as wall-clock time; the zone is kept beside it, never a fixed offset. */
export type ScheduleRule =
  | (WallClockRule & { kind: 'weekly' })
  | (WallClockRule & { kind: 'fortnightly'; anchorDate?: string })
  | (WallClockRule & { kind: 'monthly'; ordinal: Ordinal })
  | Readonly<{ kind: 'cron'; expression: string }>;

export type ParsedSchedule = { ok: true; rule: ScheduleRule } | { ok: true; off: true } | { ok: false; problem: string };

export const scheduleUsage =
  'weekly <mon..sun> <HH:MM>, fortnightly <mon..sun> <HH:MM>, monthly <1st|2nd|3rd|4th|last> <mon..sun> <HH:MM>, cron "<5-field expression>" or off';

/** Reads a schedule as typed: `weekly mon 09:00`, `monthly last fri 17:30`, `cron "0 9 * * 1"`, `off`. */
export function parseSchedule(text: string): ParsedSchedule {
  const trimmed = text.trim();
  const [kindWord = '', ...rest] = trimmed.split(/\s+/);
  const kind = kindWord.toLowerCase();
  if (kind === 'off' && rest.length === 0) return { ok: true, off: true };
  if (kind === 'cron')
    return parseCron(
      trimmed
        .slice(kindWord.length)
        .trim()
        .replace(/^["“”„]|["“”]$/g, '')
        .trim(),
    );
  if (kind === 'weekly' || kind === 'fortnightly') {
    if (rest.length !== 2) return { ok: false, problem: `A ${kind} schedule is “${kind} <mon..sun> <HH:MM>”, e.g. ${kind} mon 09:00.` };
    const wall = parseWallClock(rest[0]!, rest[1]!);
    return 'problem' in wall ? { ok: false, problem: wall.problem } : { ok: true, rule: { kind, ...wall } };
  }
  if (kind === 'monthly') {
    const ordinal = ordinals.find((o) => o === rest[0]?.toLowerCase());
    if (rest.length !== 3 || !ordinal)
      return { ok: false, problem: 'A monthly schedule is “monthly <1st|2nd|3rd|4th|last> <mon..sun> <HH:MM>”, e.g. monthly last fri 17:30.' };
    const wall = parseWallClock(rest[1]!, rest[2]!);
    return 'problem' in wall ? { ok: false, problem: wall.problem } : { ok: true, rule: { kind, ordinal, ...wall } };
  }
  return { ok: false, problem: `“${kindWord.slice(0, 30)}” is not a schedule; use ${scheduleUsage}.` };
}

function parseWallClock(day: string, clock: string): WallClockRule | { problem: string } {
  const typed = day.toLowerCase();
  const index = typed.length < 3 ? -1 : weekdayLongNames.findIndex((name) => name.toLowerCase().startsWith(typed));
  if (index < 0) return { problem: `“${day.slice(0, 20)}” is not a day of the week; use mon, tue, wed, thu, fri, sat or sun.` };
  const time = parseClockTime(clock);
  if (!time) return { problem: `“${clock.slice(0, 20)}” is not a time of day; use HH:MM on the 24-hour clock, e.g. 09:00.` };
  return { weekday: index + 1, ...time };
}

export function parseClockTime(text: string): { hour: number; minute: number } | undefined {
  const match = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : undefined;
}

// More often than hourly, a prompt would drown the channel it is meant to enliven.
const minimumCronGapMs = 60 * 60 * 1000;

function parseCron(expression: string): ParsedSchedule {
  const fields = expression.split(/\s+/).filter(Boolean);
  if (fields.length !== 5)
    return {
      ok: false,
      problem: `A cron schedule has 5 fields (minute hour day month weekday), e.g. cron "0 9 * * 1"; “${expression.slice(0, 40)}” has ${fields.length}.`,
    };
  let cron: Cron;
  try {
    cron = new Cron(fields.join(' '), { timezone: 'UTC', paused: true });
  } catch (error) {
    return { ok: false, problem: `“${expression.slice(0, 40)}” is not a cron expression (${error instanceof Error ? error.message : 'invalid'}).` };
  }
  const runs = cron.nextRuns(6, new Date(Date.UTC(2026, 0, 1)));
  if (runs.length === 0) return { ok: false, problem: `The cron expression “${expression.slice(0, 40)}” never fires.` };
  if (runs.some((run, i) => i > 0 && run.getTime() - runs[i - 1]!.getTime() < minimumCronGapMs)) {
    return { ok: false, problem: 'A prompt may come at most once an hour; choose a cron expression that fires less often.' };
  }
  return { ok: true, rule: { kind: 'cron', expression: fields.join(' ') } };
}

/** The canonical text stored in the database; parseSchedule reads it back (the fortnightly anchor is stored apart). */
export function formatSchedule(rule: ScheduleRule): string {
  if (rule.kind === 'cron') return `cron ${rule.expression}`;
  const wall = `${weekdayNames[rule.weekday - 1]} ${pad(rule.hour)}:${pad(rule.minute)}`;
  return rule.kind === 'monthly' ? `monthly ${rule.ordinal} ${wall}` : `${rule.kind} ${wall}`;
}

/** For people: "weekly on Monday at 09:00". */
export function describeSchedule(rule: ScheduleRule): string {
  if (rule.kind === 'cron') return `on the cron schedule “${rule.expression}”`;
  const day = weekdayLongNames[rule.weekday - 1]!;
  const at = `${pad(rule.hour)}:${pad(rule.minute)}`;
  if (rule.kind === 'weekly') return `weekly on ${day} at ${at}`;
  if (rule.kind === 'fortnightly') return `every other ${day} at ${at}`;
  return `monthly on the ${rule.ordinal} ${day} at ${at}`;
}

const dayMs = 24 * 60 * 60 * 1000;

/** The first occurrence strictly after `after` (epoch ms), or undefined when there is none. */
export function nextOccurrence(rule: ScheduleRule, zone: string, after: number): number | undefined {
  if (rule.kind === 'cron') return new Cron(rule.expression, { timezone: zone, paused: true }).nextRun(new Date(after))?.getTime();
  // Dates are walked as UTC midnights, so that a day is always 24 hours; only the final instant needs the zone. (Plain
  // Date arithmetic: the scheduler works this out for every due rhythm, and Luxon objects were most of its cost.)
  const local = new Date(after + IANAZone.create(zone).offset(after) * 60_000);
  const first = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  for (let i = 0; i < 400; i++) {
    const date = new Date(first + i * dayMs);
    if (!occursOn(rule, date)) continue;
    const at = localToInstant(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), rule.hour, rule.minute, zone);
    if (at > after) return at;
  }
  return undefined;
}

/** Whether the rule falls on this date (a UTC midnight standing for the local date). */
function occursOn(rule: Exclude<ScheduleRule, { kind: 'cron' }>, date: Date): boolean {
  // Luxon's numbering, as the rules store it: 1 is Monday, 7 is Sunday.
  if ((date.getUTCDay() || 7) !== rule.weekday) return false;
  if (rule.kind === 'weekly') return true;
  if (rule.kind === 'fortnightly') {
    if (!rule.anchorDate) return true;
    const days = Math.round((date.getTime() - Date.parse(`${rule.anchorDate}T00:00:00Z`)) / dayMs);
    return ((days % 14) + 14) % 14 === 0;
  }
  const day = date.getUTCDate();
  const daysInMonth = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  if (rule.ordinal === 'last') return day + 7 > daysInMonth;
  return Math.ceil(day / 7) === ordinals.indexOf(rule.ordinal) + 1;
}

/**
 * The instant a wall-clock time happens in a zone. A time that happens twice (clocks go back) is the first
 * of the two; a time that never happens (clocks go forward) is the first instant after the gap, 02:30 → 03:00.
 */
export function localToInstant(year: number, month: number, day: number, hour: number, minute: number, zone: string): number {
  const tz = IANAZone.create(zone);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const day2 = 2 * 24 * 60 * 60 * 1000;
  const offsets = [...new Set([tz.offset(wall - day2), tz.offset(wall), tz.offset(wall + day2)])];
  const candidates = offsets.map((offset) => wall - offset * 60_000);
  const valid = candidates.filter((t) => tz.offset(t) * 60_000 + t === wall);
  if (valid.length > 0) return Math.min(...valid);
  // In the gap: the first instant whose wall-clock time is at or past the one asked for.
  let low = Math.min(...candidates);
  let high = Math.max(...candidates);
  while (high - low > 1000) {
    const middle = Math.floor((low + high) / 2);
    if (middle + tz.offset(middle) * 60_000 >= wall) high = middle;
    else low = middle;
  }
  return Math.floor(high / 60_000) * 60_000;
}

/** The local date (YYYY-MM-DD) of an instant, to anchor a fortnightly rhythm. */
export function localDateOf(at: number, zone: string): string {
  return DateTime.fromMillis(at, { zone }).toISODate()!;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/**
 * The stored columns of a schedule set now: the rule as text, a fortnightly rule's anchor (its first week from now),
 * the zone and the next occurrence. Rhythms and peer-exchange rounds store schedules alike.
 */
export function scheduleColumns(rule: ScheduleRule, zone: string, now: number) {
  const firstWeek = rule.kind === 'fortnightly' ? nextOccurrence({ ...rule, kind: 'weekly' }, zone, now) : undefined;
  const anchorDate = firstWeek === undefined ? null : localDateOf(firstWeek, zone);
  const anchored = rule.kind === 'fortnightly' ? { ...rule, anchorDate: anchorDate ?? undefined } : rule;
  return { schedule: formatSchedule(rule), anchor_date: anchorDate, timezone: zone, next_run_at: nextOccurrence(anchored, zone, now) ?? null };
}
