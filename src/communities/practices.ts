import type { ChannelRef } from '../kernel/identity.js';
import type { Db } from '../storage/database.js';
import type { Practice } from '../storage/schema.js';

export type NewPractice = Readonly<{
  communityId: number;
  memberId: number;
  text: string;
  source: 'command' | 'prompt-reply';
  promptPostId?: number;
  /** Where the practice was said on a platform; a second record for the same message is ignored. */
  message?: { channel: ChannelRef; messageId: string; permalink?: string };
}>;

/** Records a practice in the community's repertoire; returns undefined when that message was already recorded. */
export async function recordPractice(db: Db, practice: NewPractice, now: number): Promise<Practice | undefined> {
  const { message } = practice;
  return db
    .insertInto('practice')
    .values({
      community_id: practice.communityId,
      member_id: practice.memberId,
      text: practice.text,
      source: practice.source,
      prompt_post_id: practice.promptPostId ?? null,
      platform: message?.channel.platform ?? null,
      workspace_id: message?.channel.workspaceId ?? null,
      channel_id: message?.channel.channelId ?? null,
      message_id: message?.messageId ?? null,
      permalink: message?.permalink ?? null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Practices shared in these communities from `since` (inclusive) up to `until` (inclusive). */
export async function countPracticesShared(db: Db, communityIds: readonly number[], since: number, until: number): Promise<number> {
  if (communityIds.length === 0 || until < since) return 0;
  const row = await db
    .selectFrom('practice')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('community_id', 'in', communityIds)
    .where('created_at', '>=', since)
    .where('created_at', '<=', until)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
