import type { App, types, webApi } from '@slack/bolt';
import { summarizeHome, type HomeSummary } from '../../src/commands/home.js';
import type { Reply } from '../../src/kernel/reply.js';
import type { Services } from '../../src/storage/services.js';
import type { WorkTracker } from '../../src/kernel/work.js';
import { buttonActionPrefix, escapeText, renderMrkdwn } from './render-blocks.js';
import { formatInZone } from '../../src/kernel/time.js';
import { slackErrorCode } from './slack-errors.js';

export type HomeDeps = Readonly<{ services: Services; work: WorkTracker }>;

/** The Home tab, published when a member opens it and after each of their clicks there. */
export function registerAppHome(app: App, deps: HomeDeps): void {
  app.event('app_home_opened', ({ event, body, client }) =>
    deps.work.track(
      (async () => {
        if (event.tab !== 'home') return;
        const teamId = (body as { team_id?: string }).team_id ?? '';
        await publishHome(deps, client, teamId, event.user);
      })(),
    ),
  );
}

/** Publishes a member's Home tab; `notice` is the answer to what they just did there, shown at the top. */
export async function publishHome(deps: Pick<HomeDeps, 'services'>, client: webApi.WebClient, teamId: string, userId: string, notice?: Reply): Promise<void> {
  try {
    const summary = await summarizeHome(deps.services, { platform: 'slack', workspaceId: teamId, userId });
    await client.views.publish({ user_id: userId, view: renderHome(summary, notice) });
  } catch (error) {
    deps.services.log.warn({ err: error, slackError: slackErrorCode(error), user: userId }, 'could not publish the Home tab');
  }
}

const section = (text: string, accessory?: types.Button): types.SectionBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text },
  ...(accessory ? { accessory } : {}),
});

let counter = 0;
function button(text: string, command: string, style?: 'primary' | 'danger'): types.Button {
  // Each button runs its command as the member who clicks it, through the same handler as typing it.
  return {
    type: 'button',
    action_id: `${buttonActionPrefix}home_${++counter}`,
    text: { type: 'plain_text', text },
    value: command,
    ...(style ? { style } : {}),
  };
}

export function renderHome(summary: HomeSummary, notice?: Reply): types.HomeView {
  const blocks: types.KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'Weaver' } }];
  if (notice) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: renderMrkdwn(notice.body).slice(0, 3000) }] });
  const mine = summary.communities.filter((c) => c.tier);
  const others = summary.communities.filter((c) => !c.tier);
  blocks.push(section('*Your communities*'));
  if (mine.length === 0) blocks.push(section('You have not joined a community yet; join one below.'));
  for (const c of mine) blocks.push(section(`*${escapeText(c.name)}* (\`${c.slug}\`) · ${c.tier}`, button('Leave', `leave ${c.slug}`, 'danger')));
  if (others.length) {
    blocks.push({ type: 'divider' }, section('*Other communities*'));
    for (const c of others.slice(0, 20)) blocks.push(section(`*${escapeText(c.name)}* (\`${c.slug}\`)`, button('Join', `join ${c.slug}`, 'primary')));
  }
  blocks.push({ type: 'divider' }, section('*Your upcoming events*'));
  if (summary.events.length === 0) blocks.push(section('No upcoming events in your communities.'));
  for (const event of summary.events) {
    const answered = event.answer ? ` · you said *${event.answer}*` : '';
    blocks.push(
      section(`*${escapeText(event.title)}* (\`${event.communitySlug}\`, #${event.id})\n${escapeText(formatInZone(event.startsAt, event.zone))}${answered}`),
    );
    blocks.push({
      type: 'actions',
      block_id: `event_${event.id}`,
      elements: (['yes', 'maybe', 'no'] as const).map((answer) =>
        button(answer.charAt(0).toUpperCase() + answer.slice(1), `rsvp ${event.id} ${answer}`, answer === event.answer ? 'primary' : undefined),
      ),
    });
  }
  for (const extra of summary.extras) {
    blocks.push({ type: 'divider' }, section(`*${escapeText(extra.title)}*\n${renderMrkdwn(extra.body)}`));
    if (extra.buttons.length) blocks.push({ type: 'actions', elements: extra.buttons.map((b) => button(b.label, b.command, b.style)) });
  }
  // Slack allows 100 blocks in a Home view.
  return { type: 'home', blocks: blocks.slice(0, 100) };
}
