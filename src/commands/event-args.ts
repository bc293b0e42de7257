import { DateTime } from 'luxon';
import { findEvent, parseLeadTimes } from '../events/events.js';
import { dateExamples, isDayPhrase, parseTimeOfDay, readDay, type TimeOfDay } from '../events/date-phrases.js';
import type { WeaverEvent } from '../storage/rhythm-schema.js';
import { asText, ok, problem } from './args.js';
import type { ArgSpec } from './define.js';

/** An event by its id, typed `12` or `#12`; handlers receive the event row. */
export function eventArg(description = 'the event’s id, e.g. 12'): ArgSpec<WeaverEvent> {
  return {
    kind: 'integer',
    description,
    required: true,
    communityOf: (event) => event.community_id,
    async parse(raw, ctx) {
      const value = asText(raw);
      const id = /^#?\d{1,9}$/.test(value) ? Number(value.replace('#', '')) : undefined;
      if (id === undefined) return problem(`“${value.slice(0, 20)}” is not an event id; use the number /cop events shows, e.g. 12.`);
      const event = await findEvent(ctx.db, id);
      return event ? ok(event) : problem(`There is no event #${id}; /cop events lists them.`);
    },
  };
}

export type CalendarDate = Readonly<{ year: number; month: number; day: number }>;

/** A day written YYYY-MM-DD (a goal's due date), with a date picker in forms. */
export function dateArg(description: string): ArgSpec<CalendarDate> {
  return {
    kind: 'string',
    description,
    required: true,
    input: 'date',
    parse(raw) {
      const value = asText(raw);
      const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? DateTime.fromISO(value, { zone: 'utc' }) : undefined;
      if (!date?.isValid) {
        return problem(`“${value.slice(0, 20)}” is not a date; use YYYY-MM-DD, e.g. 2026-12-03.`);
      }
      return ok({ year: date.year, month: date.month, day: date.day });
    },
  };
}

/** A day as typed (`2026-12-03`, `tomorrow`, `next tue`, `10 Dec`; empty for today), read in the event's zone by the handler. */
export type DayPhrase = Readonly<{ phrase: string }>;

export function dayPhraseArg(description: string): ArgSpec<DayPhrase> {
  return {
    kind: 'string',
    description,
    required: true,
    input: 'date',
    // After a title in the middle, the day may be several words (`next tue`) or none (`3pm` alone is today).
    tailWords(words) {
      for (let count = Math.min(3, words.length); count > 0; count--) if (isDayPhrase(words.slice(-count).join(' '))) return count;
      const last = words.at(-1);
      return last && /^\d+[-/.]\d+/.test(last) ? 1 : 0;
    },
    parse(raw) {
      const value = asText(raw).replace(/\s+/g, ' ');
      if (value === '' || value.toLowerCase() === 'today' || isDayPhrase(value)) return ok({ phrase: value });
      const reading = readDay(value, { year: 2026, month: 1, day: 1 });
      return problem(`${reading.ok ? `“${value.slice(0, 30)}” is not a date I can read.` : reading.problem} Write the day like ${dateExamples}.`);
    },
  };
}

export function clockTimeArg(description: string): ArgSpec<TimeOfDay> {
  return {
    kind: 'string',
    description,
    required: true,
    input: 'time',
    parse(raw) {
      const value = asText(raw);
      const time = parseTimeOfDay(value);
      return time ? ok(time) : problem(`“${value.slice(0, 20)}” is not a time of day; use HH:MM on the 24-hour clock or 3pm, e.g. 14:00.`);
    },
  };
}

export function leadTimesArg(description: string): ArgSpec<number[]> {
  return {
    kind: 'string',
    description,
    required: true,
    parse(raw) {
      const parsed = parseLeadTimes(asText(raw));
      return parsed.ok ? ok(parsed.minutes) : problem(parsed.problem);
    },
  };
}
