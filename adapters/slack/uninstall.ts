import type { App, Context } from '@slack/bolt';
import type { Logger } from '../../src/kernel/logger.js';
import type { WorkTracker } from '../../src/kernel/work.js';
import type { WeaverInstallationStore } from './installation-store.js';

export type UninstallDeps = Readonly<{
  store: WeaverInstallationStore;
  log: Logger;
  work: WorkTracker;
  onWorkspaceRemoved?(teamId: string, reason: string): Promise<void>;
}>;

export const uninstalledReason = 'Weaver was uninstalled from this Slack workspace';
export const revokedReason = 'Weaver’s access to this Slack workspace was revoked';

/**
 * app_uninstalled and tokens_revoked (bolt-js removes nothing itself): the installation goes, and the core gives up
 * the workspace's pending posts and marks its home channels gone. They may come in either order, or both, or again:
 * each step is idempotent, and the reason kept is the first one's.
 */
export function registerUninstall(app: App, deps: UninstallDeps): void {
  app.event('app_uninstalled', ({ context }) => deps.work.track(removeWorkspace(deps, context, uninstalledReason)));
  app.event('tokens_revoked', ({ event, context }) =>
    // Only the bot's token matters to Weaver; revoked user tokens (it asks for none) change nothing.
    event.tokens.bot?.length ? deps.work.track(removeWorkspace(deps, context, revokedReason)) : Promise.resolve(),
  );
}

async function removeWorkspace(deps: UninstallDeps, context: Context, reason: string): Promise<void> {
  const teamId = context.teamId;
  try {
    const removed = await deps.store.removeInstallation({ teamId, enterpriseId: context.enterpriseId, isEnterpriseInstall: context.isEnterpriseInstall });
    if (teamId) await deps.onWorkspaceRemoved?.(teamId, reason);
    deps.log.info({ team: teamId, enterprise: context.enterpriseId, removed, reason }, 'a Slack workspace removed Weaver');
  } catch (error) {
    deps.log.error({ err: error, team: teamId }, 'could not remove a Slack installation');
  }
}
