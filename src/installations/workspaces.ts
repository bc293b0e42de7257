import type { Platform } from '../kernel/identity.js';
import type { Db } from '../storage/database.js';

export type WorkspaceRef = Readonly<{ platform: Platform; workspaceId: string }>;

export type RetiredWorkspace = Readonly<{ postsGivenUp: number; homeChannelsGone: number }>;

/**
 * A workspace removed Weaver (Slack's app_uninstalled or tokens_revoked): its pending posts are given up with the
 * reason, and its home channels are marked gone (kept, so that `info` says so). Idempotent: a second call changes
 * nothing, whichever event came first. The caller opens the transaction.
 */
export async function retireWorkspace(db: Db, workspace: WorkspaceRef, reason: string, now: number): Promise<RetiredWorkspace> {
  const posts = await db
    .updateTable('outbox')
    .set({ status: 'failed', last_error: reason, claimed_by: null, claimed_until: null })
    .where('platform', '=', workspace.platform)
    .where('workspace_id', '=', workspace.workspaceId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  const homes = await db
    .updateTable('home_channel')
    .set({ gone_at: now, gone_reason: reason })
    .where('platform', '=', workspace.platform)
    .where('workspace_id', '=', workspace.workspaceId)
    .where('gone_at', 'is', null)
    .executeTakeFirst();
  return { postsGivenUp: Number(posts.numUpdatedRows), homeChannelsGone: Number(homes.numUpdatedRows) };
}

/** The workspace installed Weaver again: its home channels are home again. */
export async function restoreWorkspace(db: Db, workspace: WorkspaceRef): Promise<number> {
  const result = await db
    .updateTable('home_channel')
    .set({ gone_at: null, gone_reason: null })
    .where('platform', '=', workspace.platform)
    .where('workspace_id', '=', workspace.workspaceId)
    .where('gone_at', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
