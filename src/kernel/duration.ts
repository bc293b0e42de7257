const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Reads a duration such as `90m`, `24h` or `2d`; undefined when it is malformed or outside the range. */
export function parseDuration(text: string, range: { min: number; max: number }): number | undefined {
  const match = /^\s*(\d{1,6})\s*([mhd])\s*$/i.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * unitMs[match[2]!.toLowerCase() as keyof typeof unitMs];
  return ms >= range.min && ms <= range.max ? ms : undefined;
}

/** A span of time as a person says it: `3h 20m`, `2d 4h`, `45m`, `under a minute`. */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [days ? `${days}d` : '', hours ? `${hours}h` : '', rest && !days ? `${rest}m` : ''].filter(Boolean);
  return parts.join(' ') || '0m';
}
