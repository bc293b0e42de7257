import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { localToInstant } from '../rhythms/schedule.js';

/** What people may write, for refusals: every example here is understood. */
export const dateExamples = '2026-12-10 14:00, tomorrow 15:00, next tue 2pm, 10 Dec 10:30, Friday 9am, or just 3pm for today';

export type TimeOfDay = Readonly<{ hour: number; minute: number }>;

/** `14:00`, `9:30`, `3pm`, `10:30am`, `noon`: a time of day; undefined when it is not one. */
export function parseTimeOfDay(text: string): TimeOfDay | undefined {
  const value = text.trim().toLowerCase().replace(/\s+/g, '');
  if (value === 'noon' || value === 'midday') return { hour: 12, minute: 0 };
  if (value === 'midnight') return { hour: 0, minute: 0 };
  const clock = /^([01]?\d|2[0-3])[:.h]([0-5]\d)$/.exec(value);
  if (clock) return { hour: Number(clock[1]), minute: Number(clock[2]) };
  const meridiem = /^(1[0-2]|0?[1-9])(?:[:.]([0-5]\d))?(am|pm|a\.m\.|p\.m\.)$/.exec(value);
  if (!meridiem) return undefined;
  const hour12 = Number(meridiem[1]) % 12;
  return { hour: meridiem[3]!.startsWith('p') ? hour12 + 12 : hour12, minute: Number(meridiem[2] ?? 0) };
}

// 10/12 is 10 December in London and October 12 in New York: never guess.
const numericDayMonth = /^\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?$/;
// Chrono reads "Dec 10" as December 2010; people mean the 10th.
const monthFirst = /^([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(,?\s+\d{4})?$/i;
const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const weekdayAlone = /^(?:this\s+)?(mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?$/i;

function normalize(phrase: string): string {
  const trimmed = phrase.trim().replace(/\s+/g, ' ');
  const swapped = monthFirst.exec(trimmed);
  return swapped ? `${swapped[2]} ${swapped[1]}${swapped[3] ?? ''}` : trimmed;
}

type Day = Readonly<{ year: number; month: number; day: number }>;
type DayReading = { ok: true; day: Day | undefined } | { ok: false; problem: string };

/**
 * Reads a day as people write it, relative to today in the zone. Empty means today. The whole phrase must be
 * understood: a phrase chrono reads only part of ("Dec banana") is refused rather than half-used.
 */
export function readDay(phrase: string, today: Day): DayReading {
  const text = normalize(phrase);
  if (text === '') return { ok: true, day: undefined };
  if (numericDayMonth.test(text)) {
    return { ok: false, problem: `“${text.slice(0, 20)}” could be read two ways (day/month or month/day); write the month as a word or use YYYY-MM-DD.` };
  }
  if (isoDate.test(text)) {
    const date = DateTime.fromISO(text, { zone: 'utc' });
    return date.isValid ? { ok: true, day: { year: date.year, month: date.month, day: date.day } } : notADate(text);
  }
  // The zone's wall clock, written as UTC, so that chrono's "today" is the community's today whatever the server's zone.
  const reference = { instant: new Date(Date.UTC(today.year, today.month - 1, today.day, 12)), timezone: 0 };
  const [result] = chrono.en.GB.parse(text, reference, { forwardDate: true });
  if (!result || result.index !== 0 || result.text.length !== text.length || result.start.isCertain('hour')) return notADate(text);
  const start = result.start;
  if (!start.isCertain('day') && !start.isCertain('weekday')) return notADate(text);
  let day: Day = { year: start.get('year')!, month: start.get('month')!, day: start.get('day')! };
  // A weekday alone is the coming one, today included ("Friday 9am" on a Friday morning is today); chrono skips to next week.
  const weekday = weekdayAlone.exec(text);
  if (weekday && !start.isCertain('day')) {
    const now = DateTime.utc(today.year, today.month, today.day);
    const wanted = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].indexOf(weekday[1]!.toLowerCase()) + 1;
    const date = now.plus({ days: (wanted - now.weekday + 7) % 7 });
    day = { year: date.year, month: date.month, day: date.day };
  }
  return { ok: true, day };
}

function notADate(text: string): DayReading {
  return { ok: false, problem: `“${text.slice(0, 30)}” is not a date I can read.` };
}

/** Whether the words are a day as readDay understands them; the text parser uses it to find where a title ends. */
export function isDayPhrase(words: string): boolean {
  const reading = readDay(words, { year: 2026, month: 1, day: 1 });
  return reading.ok && reading.day !== undefined;
}

export type EventStart = { ok: true; startsAt: number } | { ok: false; problem: string };

/** The instant a date phrase and a time of day name in a zone; in the past is refused, with examples. */
export function resolveEventStart(dayPhrase: string, at: TimeOfDay, zone: string, now: number): EventStart {
  const local = DateTime.fromMillis(now, { zone });
  const reading = readDay(dayPhrase, { year: local.year, month: local.month, day: local.day });
  if (!reading.ok) return { ok: false, problem: `${reading.problem} Write the day and time like ${dateExamples}.` };
  const day = reading.day ?? { year: local.year, month: local.month, day: local.day };
  const startsAt = localToInstant(day.year, day.month, day.day, at.hour, at.minute, zone);
  if (startsAt <= now) {
    const when = DateTime.fromMillis(startsAt, { zone }).toFormat('ccc d LLL yyyy HH:mm');
    return { ok: false, problem: `${when} (${zone}) has already passed; choose a time ahead, like ${dateExamples}.` };
  }
  return { ok: true, startsAt };
}
