import { randomBytes } from 'node:crypto';

/** Numbers the console's messages (what people say and what the bot posts) in one sequence that people type back. */
export type ConsoleMessageIds = Readonly<{
  next(): string;
  /** The full id of a message typed by its number (`3`); undefined for a number this session never gave. */
  resolve(typed: string): string | undefined;
  /** The number a person sees for a full id; other ids are shown as they are. */
  short(messageId: string): string;
  /** Records that a message was posted in the thread of `threadId`. */
  rememberThread(messageId: string, threadId: string): void;
  /** The thread a message belongs to: its root's id, or the message's own id when it starts (or is) no thread. */
  threadOf(messageId: string): string;
}>;

export function createConsoleMessageIds(): ConsoleMessageIds {
  // Unique across sessions on one database: a repeated id would look like a platform redelivering an old message.
  const prefix = `c${randomBytes(3).toString('hex')}-`;
  let last = 0;
  const threads = new Map<string, string>();
  return {
    rememberThread: (messageId, threadId) => void threads.set(messageId, threads.get(threadId) ?? threadId),
    threadOf: (messageId) => threads.get(messageId) ?? messageId,
    next: () => `${prefix}${++last}`,
    resolve: (typed) => {
      const number = Number(typed.replace(/^#/, ''));
      return Number.isInteger(number) && number >= 1 && number <= last ? `${prefix}${number}` : undefined;
    },
    short: (messageId) => (messageId.startsWith(prefix) ? messageId.slice(prefix.length) : messageId),
  };
}
