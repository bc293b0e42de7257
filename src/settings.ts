import type { AdminId } from './identity.js';

/** The settings the core's rules depend on, taken from the validated config. */
export type CoreSettings = Readonly<{
  admins: readonly AdminId[];
  coreLimit: number;
  defaultTimezone: string;
  harvestReminderDelayMs: number;
}>;
