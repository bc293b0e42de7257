import { REST, RESTEvents, Routes, type APIChannel, type Client } from 'discord.js';
import type { UserRef } from '../../src/kernel/identity.js';
import { findDirectMessageChannel, forgetDirectMessageChannel, rememberDirectMessageChannel } from '../../src/storage/direct-message-channels.js';
import type { Services } from '../../src/storage/services.js';

/** A person's DM channel with the bot: remembered in the database, or opened (and then remembered). */
export type DirectMessageChannels = Readonly<{
  channelOf(user: UserRef): Promise<string>;
  /** The remembered channel was refused as unknown: the next send opens it again. */
  forget(user: UserRef): Promise<void>;
}>;

// discord.js sends the calls of one rate-limit bucket strictly one after another, and every DM open
// (POST /users/@me/channels) shares one bucket: at 80–300 ms a call a fan-out of DMs waited on opens, four or five a
// second. Opens go through a few REST queues of their own instead, so several are in flight at once; the outbox's pacer
// (two requests per Discord DM) keeps the total under the global limit, and each queue still honours a 429 itself.
const openLanes = 8;

export function createDirectMessageChannels(client: Client, store: Pick<Services, 'db' | 'clock'>): DirectMessageChannels {
  let lanes: { token: string; queues: { rest: REST; busy: number }[] } | undefined;
  const opening = new Map<string, Promise<string>>();

  function queues() {
    const token = client.token;
    // Without a token of its own (never logged in), the client's queue is the only one that can speak.
    if (!token) return [{ rest: client.rest, busy: 0 }];
    if (lanes?.token !== token) {
      const queues = Array.from({ length: openLanes }, () => {
        const rest = new REST(client.rest.options).setToken(token);
        // Rate-limit waits are logged where the client's own are.
        rest.on(RESTEvents.RateLimited, (info) => client.rest.emit(RESTEvents.RateLimited, info));
        return { rest, busy: 0 };
      });
      lanes = { token, queues };
    }
    return lanes.queues;
  }

  async function open(user: UserRef): Promise<string> {
    const lane = queues().reduce((least, queue) => (queue.busy < least.busy ? queue : least));
    lane.busy++;
    try {
      const dm = (await lane.rest.post(Routes.userChannels(), { body: { recipient_id: user.userId } })) as APIChannel;
      await rememberDirectMessageChannel(store.db, user, dm.id, store.clock.now());
      return dm.id;
    } finally {
      lane.busy--;
    }
  }

  return {
    async channelOf(user) {
      const known = await findDirectMessageChannel(store.db, user);
      if (known) return known;
      const key = `${user.workspaceId}:${user.userId}`;
      let running = opening.get(key);
      if (!running) {
        running = open(user).finally(() => opening.delete(key));
        opening.set(key, running);
      }
      return running;
    },
    async forget(user) {
      await forgetDirectMessageChannel(store.db, user);
    },
  };
}
