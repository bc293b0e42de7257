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
// second, and an open queued behind others went out round trips after the outbox's pacer let it go, into the next
// second's budget. So each open in flight has a REST queue of its own (an idle one, or a new one when all are busy):
// it goes out when the pacer says, and the pacer (which counts it) keeps the total under the global limit. Each queue
// still honours a 429 itself. There are as many queues as opens were ever in flight at once, at most the outbox's sends
// in flight (256); an idle one holds no timer.
export function createDirectMessageChannels(client: Client, store: Pick<Services, 'db' | 'clock'>): DirectMessageChannels {
  let lanes: { token: string; queues: { rest: REST; busy: boolean }[] } | undefined;
  const opening = new Map<string, Promise<string>>();

  function idleQueue(): { rest: REST; busy: boolean } {
    const token = client.token;
    // Without a token of its own (never logged in), the client's queue is the only one that can speak.
    if (!token) return { rest: client.rest, busy: false };
    if (lanes?.token !== token) lanes = { token, queues: [] };
    let queue = lanes.queues.find((candidate) => !candidate.busy);
    if (!queue) {
      const rest = new REST(client.rest.options).setToken(token);
      // Rate-limit waits are logged where the client's own are.
      rest.on(RESTEvents.RateLimited, (info) => client.rest.emit(RESTEvents.RateLimited, info));
      lanes.queues.push((queue = { rest, busy: false }));
    }
    return queue;
  }

  async function open(user: UserRef): Promise<string> {
    const queue = idleQueue();
    queue.busy = true;
    try {
      const dm = (await queue.rest.post(Routes.userChannels(), { body: { recipient_id: user.userId } })) as APIChannel;
      await rememberDirectMessageChannel(store.db, user, dm.id, store.clock.now());
      return dm.id;
    } finally {
      queue.busy = false;
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
