import type { App, webApi } from '@slack/bolt';
import type { Services } from '../../src/storage/services.js';
import { handleInbound, type InboundEvent } from '../../src/kernel/inbound.js';
import type { InboundListener } from '../../src/storage/services.js';
import type { Reply } from '../../src/kernel/reply.js';
import { claimEvent } from './event-ids.js';
import { toInboundEvent } from './inbound-events.js';
import { renderBlocks } from './render-blocks.js';
import { slackErrorCode } from './slack-errors.js';
import type { SlackWorkspace } from './slack-port.js';
import type { WorkTracker } from '../../src/kernel/work.js';
import type { NameLookup } from './caller.js';

export type EventDeps = Readonly<{
  services: Services;
  listeners: readonly InboundListener[];
  client: webApi.WebClient;
  workspace: SlackWorkspace;
  work: WorkTracker;
  /** Message events carry only a user id; the name comes from users.info, remembered a while. */
  nameOf: NameLookup;
}>;

/** Messages, edits, deletions and reactions in channels the bot is in, handed to the core's listeners once each. */
export function registerEvents(app: App, deps: EventDeps): void {
  const receive = ({ body, event }: { body: Readonly<Record<string, unknown>>; event: object }) =>
    deps.work.track(deps.work.inTurn(() => receiveEvent(deps, body, { ...event })));
  app.event('message', receive);
  app.event('reaction_added', receive);
}

async function receiveEvent(deps: EventDeps, body: Readonly<Record<string, unknown>>, event: Readonly<Record<string, unknown>>): Promise<void> {
  const { services } = deps;
  try {
    const teamId = typeof body.team_id === 'string' ? body.team_id : deps.workspace.teamId;
    const inbound = toInboundEvent(event, teamId, deps.workspace, services.clock.now());
    if (!inbound) return;
    const eventId = typeof body.event_id === 'string' ? body.event_id : undefined;
    // Slack retries an event it thinks we missed; event_id makes the second delivery a no-op.
    if (eventId && !(await claimEvent(services.db, eventId, services.clock.now()))) {
      services.log.debug({ eventId }, 'Slack event already handled');
      return;
    }
    const replies = await handleInbound(services, deps.listeners, await withNames(deps, inbound));
    for (const reply of replies) await answerActor(deps, inbound, reply);
  } catch (error) {
    services.log.error({ err: error, eventId: body.event_id }, 'Slack event failed');
  }
}

/** Message events carry user ids only: the author's name, and mentions in the text (`<@U123>`, `<#C123|general>`) as people read them. */
async function withNames(deps: EventDeps, event: InboundEvent): Promise<InboundEvent> {
  if (event.kind === 'edited') return { ...event, text: await nameMentions(deps, event.channel.workspaceId, event.text) };
  if (event.kind !== 'message') return event;
  const { author } = event.message;
  const authorName = event.message.authorName ?? (await deps.nameOf(author.workspaceId, author.userId));
  const text = await nameMentions(deps, author.workspaceId, event.message.text);
  return { ...event, message: { ...event.message, text, ...(authorName === undefined ? {} : { authorName }) } };
}

async function nameMentions(deps: EventDeps, teamId: string, text: string): Promise<string> {
  const mention = /<@([UW][A-Z0-9]+)(?:\|([^<>]*))?>/g;
  const ids = [...new Set([...text.matchAll(mention)].filter((m) => !m[2]).map((m) => m[1]!))];
  const names = new Map(await Promise.all(ids.map(async (id) => [id, await deps.nameOf(teamId, id)] as const)));
  return text
    .replace(mention, (whole, id: string, label: string | undefined) => {
      const name = label || names.get(id);
      return name ? `@${name}` : whole;
    })
    .replace(/<#[CG][A-Z0-9]+\|([^<>]+)>/g, '#$1');
}

// A listener's answer is for the person who acted, seen by them alone, in the channel where they acted.
async function answerActor(deps: EventDeps, event: InboundEvent, reply: Reply): Promise<void> {
  const actor = event.kind === 'message' ? event.message.author : event.kind === 'reaction' || event.kind === 'mark-answer' ? event.user : undefined;
  if (!actor || event.kind === 'event-interest') return;
  const channel = event.kind === 'message' ? event.message.channel : event.channel;
  const thread = event.kind === 'message' ? (event.message.threadId ?? event.message.messageId) : event.kind === 'reaction' ? event.threadId : undefined;
  try {
    await deps.client.chat.postEphemeral({ channel: channel.channelId, user: actor.userId, thread_ts: thread, ...renderBlocks(reply) });
  } catch (error) {
    deps.services.log.warn({ slackError: slackErrorCode(error), user: actor.userId }, 'could not answer a Slack event');
  }
}
