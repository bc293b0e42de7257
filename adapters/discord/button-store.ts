import type { Services } from '../../src/storage/services.js';
import type { Reply } from '../../src/kernel/reply.js';
import { readBotState, writeBotState } from '../../src/storage/bot-state.js';
import { storedButtonCommands } from './render.js';

export type ButtonStore = Readonly<{
  /** Stores the command lines of a reply's buttons that are too long to ride in their custom ids. */
  remember(reply: Reply): Promise<void>;
  find(key: string): Promise<string | undefined>;
}>;

// Kept in the database, so that a button still works after a restart.
export function createButtonStore(services: Pick<Services, 'db' | 'clock'>): ButtonStore {
  return {
    async remember(reply) {
      for (const [key, line] of storedButtonCommands(reply)) await writeBotState(services.db, `discord.button.${key}`, line, services.clock.now());
    },
    find: (key) => readBotState(services.db, `discord.button.${key}`),
  };
}
