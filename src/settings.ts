import type { AdminId } from './identity.js';

/** The settings the core's rules depend on, taken from the validated config. */
export type CoreSettings = Readonly<{
  admins: readonly AdminId[];
  coreLimit: number;
  defaultTimezone: string;
  /** How late a missed scheduled post may still go out after downtime (DOWNTIME_GRACE); 60 minutes when unset. */
  downtimeGraceMs?: number;
  /** Where Weaver's HTTP server is reached from outside (PUBLIC_URL), for calendar links; none when unset. */
  publicUrl?: string;
  /** How long a question thread with replies waits for a marked answer before the asker is reminded. */
  harvestReminderDelayMs: number;
}>;
