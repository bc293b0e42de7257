import { DateTime } from 'luxon';
import { findEvent, parseLeadTimes } from '../events/events.js';
import { parseClockTime } from '../rhythms/schedule.js';
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

export function dateArg(description: string): ArgSpec<CalendarDate> {
  return {
    kind: 'string',
    description,
    required: true,
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

export function clockTimeArg(description: string): ArgSpec<{ hour: number; minute: number }> {
  return {
    kind: 'string',
    description,
    required: true,
    parse(raw) {
      const value = asText(raw);
      const time = parseClockTime(value);
      return time ? ok(time) : problem(`“${value.slice(0, 20)}” is not a time of day; use HH:MM on the 24-hour clock, e.g. 14:00.`);
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
