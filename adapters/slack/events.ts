import type { App, webApi } from '@slack/bolt';
import type { ChannelRef } from '../../src/kernel/identity.js';
import type { Services, InboundListener } from '../../src/storage/services.js';
import { handleInbound, type InboundEvent } from '../../src/kernel/inbound.js';
import type { Reply } from '../../src/kernel/reply.js';
import { claimEvent } from './event-ids.js';
import { toInboundEvent } from './inbound-events.js';
import { renderBlocks } from './render-blocks.js';
import { slackErrorCode } from './slack-errors.js';
import { asKnownChannel } from './shared-channels.js';
import type { SlackDirectory } from './workspaces.js';
import type { WorkTracker } from '../../src/kernel/work.js';
import type { NameLookup } from './caller.js';

export type EventDeps = Readonly<{
  services: Services;
  listeners: readonly InboundListener[];
  directory: SlackDirectory;
  work: WorkTracker;
  /** Message events carry only a user id; the name comes from users.info, remembered a while. */
  nameOf: NameLookup;
}>;

/** Messages, edits, deletions and reactions in channels the bot is in, handed to the core's listeners once each. */
export function registerEvents(app: App, deps: EventDeps): void {
  // Events wait in a longer line than commands. Over HTTP a full one refuses them before Bolt acks them (Slack
  // redelivers); one that gets here anyway (Socket Mode, or a burst between that check and this one) is handled at once
  // rather than lost.
  const receive = ({ body, event, client }: { body: Readonly<Record<string, unknown>>; event: object; client: webApi.WebClient }) => {
    const handle = () => receiveEvent(deps, client, body, { ...event });
    return deps.work.track(deps.work.inTurn(handle, handle, 'event'));
  };
  app.event('message', receive);
  app.event('reaction_added', receive);
}

async function receiveEvent(
  deps: EventDeps,
  client: webApi.WebClient,
  body: Readonly<Record<string, unknown>>,
  event: Readonly<Record<string, unknown>>,
): Promise<void> {
  const { services } = deps;
  try {
    // Who the bot is there, read without its token: a failing token refresh must not lose a member's message.
    const workspace = await deps.directory.describe(typeof body.team_id === 'string' ? body.team_id : '');
    if (!workspace) return;
    const teamId = typeof body.team_id === 'string' ? body.team_id : workspace.teamId;
    const found = toInboundEvent(event, teamId, workspace, services.clock.now());
    if (!found) return;
    const inbound = await onKnownChannel(services.db, found);
    const eventId = typeof body.event_id === 'string' ? body.event_id : undefined;
    // Slack retries an event it thinks we missed; event_id makes the second delivery a no-op.
    if (eventId && !(await claimEvent(services.db, eventId, services.clock.now()))) {
      services.log.debug({ eventId }, 'Slack event already handled');
      return;
    }
    const replies = await handleInbound(services, deps.listeners, await withNames(deps, inbound));
    for (const reply of replies) await answerActor(deps, client, inbound, reply);
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
async function answerActor(deps: EventDeps, client: webApi.WebClient, event: InboundEvent, reply: Reply): Promise<void> {
  const actor = event.kind === 'message' ? event.message.author : event.kind === 'reaction' || event.kind === 'mark-answer' ? event.user : undefined;
  if (!actor || event.kind === 'event-interest') return;
  const channel = event.kind === 'message' ? event.message.channel : event.channel;
  const thread = event.kind === 'message' ? (event.message.threadId ?? event.message.messageId) : event.kind === 'reaction' ? event.threadId : undefined;
  try {
    await client.chat.postEphemeral({ channel: channel.channelId, user: actor.userId, thread_ts: thread, ...renderBlocks(reply) });
  } catch (error) {
    deps.services.log.warn({ slackError: slackErrorCode(error), user: actor.userId }, 'could not answer a Slack event');
  }
}

// Events from a channel shared with another organisation name it as Weaver knows it (see asKnownChannel).
async function onKnownChannel(db: EventDeps['services']['db'], event: InboundEvent): Promise<InboundEvent> {
  const known = (channel: ChannelRef) => asKnownChannel(db, channel);
  switch (event.kind) {
    case 'message':
      return { ...event, message: { ...event.message, channel: await known(event.message.channel) } };
    case 'edited':
    case 'deleted':
    case 'reaction':
    case 'mark-answer':
      return { ...event, channel: await known(event.channel) };
    case 'event-interest':
      return event;
  }
}
