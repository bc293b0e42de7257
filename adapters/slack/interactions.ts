import type { App, BlockAction, ButtonAction, MessageShortcut, SlashCommand, webApi } from '@slack/bolt';
import type { CommandTable } from '../../src/commands/define.js';
import type { Services, InboundListener } from '../../src/storage/services.js';
import { executeText } from '../../src/commands/run.js';
import { handleInbound } from '../../src/kernel/inbound.js';
import { answer, apologize } from '../../src/kernel/reply.js';
import { buildInvocation, type AdminLookup, type SlackActor } from './caller.js';
import { deliverReply, type ReplyTarget } from './deliver.js';
import { buttonActionPrefix } from './render-blocks.js';
import { decodeSlackText } from './slack-text.js';
import { asKnownChannel } from './shared-channels.js';
import { busyText, type WorkTracker } from '../../src/kernel/work.js';
import { publishHome } from './app-home.js';
import { openFormFor } from './modals.js';
import { respondTo, type Respond } from './response-url.js';

// The app has one slash command; a workspace that renamed it (another app owns /cop) is still answered.
const anySlashCommand = /^\/\S+$/;
export const harvestCallbackId = 'harvest_answer';

export type InteractionDeps = Readonly<{
  services: Services;
  commands: CommandTable;
  listeners: readonly InboundListener[];
  isWorkspaceAdmin: AdminLookup;
  work: WorkTracker;
}>;

const nothingToHarvest = 'Nothing to harvest here: use Harvest answer on the reply that answers a question, in a thread of a community’s home channel.';

/**
 * `/cop`, button clicks and the Harvest answer shortcut. Each is acknowledged before anything else happens (Slack
 * allows 3 seconds); the answer follows through response_url, so a slow database or Web API never costs the ack.
 */
export function registerInteractions(app: App, deps: InteractionDeps): void {
  app.command(anySlashCommand, ({ command, ack, client }) =>
    deps.work.track(
      (async () => {
        // Past the bound on waiting work the answer is in the ack itself: nothing queued, nothing to wait for.
        if (deps.work.isFull()) {
          deps.work.refuse();
          return void (await ack({ response_type: 'ephemeral', text: busyText }));
        }
        await ack();
        const actor: SlackActor = {
          teamId: command.team_id,
          userId: command.user_id,
          userName: command.user_name,
          channelId: command.channel_id,
          channelName: command.channel_name,
        };
        const line = decodeSlackText(command.text);
        if (await openFormFor(deps, client, actor, command.trigger_id, line)) return;
        const respond = respondTo(command.response_url);
        await deps.work.inTurn(
          () => runAsActor(deps, client, actor, respond, line, commandLabel(command)),
          () => answerBusy(deps, client, actor, respond),
        );
      })(),
    ),
  );

  app.action<BlockAction<ButtonAction>>({ type: 'block_actions', action_id: new RegExp(`^${buttonActionPrefix}`) }, ({ body, action, ack, client, context }) =>
    deps.work.track(
      (async () => {
        await ack();
        const respond = respondTo(body.response_url);
        const actor: SlackActor = {
          // Slack Connect: the person's own team, which may not be the workspace the click came through.
          teamId: body.user.team_id ?? body.team?.id ?? context.teamId ?? '',
          userId: body.user.id,
          userName: body.user.username ?? body.user.name,
          channelId: body.channel?.id,
          channelName: body.channel?.name,
        };
        // A click in the Home tab has no channel to answer in: the answer heads the refreshed Home tab.
        if (body.view?.type === 'home')
          return void (await deps.work.inTurn(
            () => runFromHome(deps, client, actor, action.value ?? ''),
            () => publishHome(deps, client, actor.teamId, actor.userId, answer(busyText)),
          ));
        await deps.work.inTurn(
          () => runAsActor(deps, client, actor, respond, action.value ?? '', `button ${action.action_id}`),
          () => answerBusy(deps, client, actor, respond),
        );
      })(),
    ),
  );

  app.shortcut<MessageShortcut>({ type: 'message_action', callback_id: harvestCallbackId }, ({ shortcut, ack, client, context }) =>
    deps.work.track(
      (async () => {
        await ack();
        const teamId = shortcut.user.team_id ?? shortcut.team?.id ?? context.teamId ?? '';
        const receivedBy = shortcut.team?.id ?? context.teamId ?? teamId;
        const respond = respondTo(shortcut.response_url);
        const target: ReplyTarget = { client, log: deps.services.log, userId: shortcut.user.id, channelId: shortcut.channel.id, respond };
        try {
          const thread = typeof shortcut.message.thread_ts === 'string' ? shortcut.message.thread_ts : undefined;
          const replies = await handleInbound(deps.services, deps.listeners, {
            kind: 'mark-answer',
            channel: await asKnownChannel(deps.services.db, { platform: 'slack', workspaceId: receivedBy, channelId: shortcut.channel.id }),
            messageId: shortcut.message.ts,
            threadId: thread,
            user: { platform: 'slack', workspaceId: teamId, userId: shortcut.user.id },
            at: deps.services.clock.now(),
          });
          await deliverReply(target, replies[0] ?? answer(nothingToHarvest));
        } catch (error) {
          deps.services.log.error({ err: error, user: shortcut.user.id }, 'Harvest answer failed');
          await deliverReply(target, apologize('Harvest answer'));
        }
      })(),
    ),
  );
}

// Runs a command line as the person who typed or clicked it, and answers them; nothing here may throw into Bolt.
async function runAsActor(deps: InteractionDeps, client: webApi.WebClient, actor: SlackActor, respond: Respond, line: string, label: string): Promise<void> {
  const { services } = deps;
  const target: ReplyTarget = { client, log: services.log, userId: actor.userId, channelId: actor.channelId, respond };
  try {
    const found = buildInvocation(actor, await deps.isWorkspaceAdmin(actor.teamId, actor.userId));
    const invocation = found.channel ? { ...found, channel: await asKnownChannel(services.db, found.channel) } : found;
    const reply = await executeText(services, deps.commands, invocation, line);
    await deliverReply({ ...target, channelId: invocation.channel?.channelId }, reply);
  } catch (error) {
    services.log.error({ err: error, user: actor.userId, label }, 'Slack interaction failed');
    await deliverReply(target, apologize('that button'));
  }
}

async function answerBusy(deps: InteractionDeps, client: webApi.WebClient, actor: SlackActor, respond: Respond): Promise<void> {
  const target: ReplyTarget = { client, log: deps.services.log, userId: actor.userId, channelId: actor.channelId, respond };
  await deliverReply(target, answer(busyText));
}

async function runFromHome(deps: InteractionDeps, client: webApi.WebClient, actor: SlackActor, line: string): Promise<void> {
  try {
    const invocation = buildInvocation(actor, await deps.isWorkspaceAdmin(actor.teamId, actor.userId));
    const reply = await executeText(deps.services, deps.commands, invocation, line);
    await publishHome(deps, client, actor.teamId, actor.userId, reply);
  } catch (error) {
    deps.services.log.error({ err: error, user: actor.userId }, 'Slack Home action failed');
  }
}

function commandLabel(command: SlashCommand): string {
  return `${command.command} ${command.text.split(/\s+/)[0] ?? ''}`.trim();
}
