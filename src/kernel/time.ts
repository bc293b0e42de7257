import { DateTime, IANAZone } from 'luxon';

export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** A moment shown in a zone the way a member reads it: "Mon 1 Dec 2026, 12:00 GMT". */
export function formatInZone(epochMs: number, zone: string): string {
  return DateTime.fromMillis(epochMs, { zone }).toFormat('ccc d LLL yyyy, HH:mm ZZZZ');
}

export function formatDate(epochMs: number, zone: string): string {
  return DateTime.fromMillis(epochMs, { zone }).toFormat('d LLL yyyy');
}
