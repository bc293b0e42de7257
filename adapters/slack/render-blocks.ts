import type { types } from '@slack/bolt';
import type { Button, Reply, RichText, Section, Span } from '../../src/kernel/reply.js';
import { renderPlainText } from '../../src/kernel/render-text.js';
import { formatInZone } from '../../src/kernel/time.js';

// Block Kit's limits (docs.slack.dev/reference/block-kit): beyond them Slack refuses the whole message.
export const limits = {
  blocksPerMessage: 50,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  buttonsPerActions: 25,
  buttonText: 75,
  buttonValue: 2000,
  fallbackText: 3000,
} as const;

/** Every Weaver button's action_id starts so; the interactivity handler matches on it. */
export const buttonActionPrefix = 'cop_button_';

type KnownBlock = types.KnownBlock;
type SectionBlock = types.SectionBlock;
type ActionsBlock = types.ActionsBlock;
type ContextBlock = types.ContextBlock;
type SlackButton = types.Button;

export type SlackMessage = Readonly<{ text: string; blocks: KnownBlock[] }>;

/** A reply as a Slack message: Block Kit blocks, and the plain text Slack shows in notifications. */
export function renderBlocks(reply: Reply): SlackMessage {
  const blocks: KnownBlock[] = [];
  const body = renderMrkdwn(reply.body);
  if (body.trim()) blocks.push(...sectionsOf(body));
  for (const section of reply.sections) blocks.push(...renderSection(section));
  if (reply.attachment) blocks.push(contextOf(`:page_facing_up: ${escapeText(reply.attachment.filename)}`));
  const actions = renderButtons(reply.buttons);
  const room = limits.blocksPerMessage - actions.length;
  if (blocks.length > room) {
    const hidden = blocks.length - (room - 1);
    blocks.splice(room - 1, blocks.length, contextOf(`…and ${hidden} more not shown here.`));
  }
  return { text: truncate(renderPlainText(reply), limits.fallbackText), blocks: [...blocks, ...actions] };
}

/** Rich text as Slack mrkdwn; whatever a person typed is escaped so that it is shown, never interpreted. */
export function renderMrkdwn(text: RichText): string {
  return text.map(renderSpan).join('');
}

export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function renderSpan(span: Span): string {
  if (typeof span === 'string') return escapeText(span);
  switch (span.kind) {
    case 'bold':
      return span.text.trim() ? `*${escapeText(span.text)}*` : escapeText(span.text);
    case 'code':
      // Slack has no escape for a backtick inside code; a look-alike keeps the code readable.
      return span.text ? `\`${escapeText(span.text.replace(/`/g, 'ˋ'))}\`` : '';
    case 'link':
      return `<${escapeText(span.url).replace(/\|/g, '%7C')}|${escapeText(span.label)}>`;
    case 'time':
      return `<!date^${Math.floor(span.at / 1000)}^{date_short_pretty} {time}|${escapeText(formatInZone(span.at, span.zone))}>`;
    case 'user':
      return span.user.platform === 'slack' ? `<@${span.user.userId}>` : escapeText(`@${span.name ?? span.user.userId}`);
    case 'channel':
      return span.channel.platform === 'slack' ? `<#${span.channel.channelId}>` : escapeText(`#${span.name ?? span.channel.channelId}`);
  }
}

function renderSection(section: Section): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  const heading = [section.title ? `*${escapeText(section.title)}*` : '', section.body ? renderMrkdwn(section.body) : ''].filter((part) => part.trim());
  if (heading.length) blocks.push(...sectionsOf(heading.join('\n')));
  const fields = (section.fields ?? []).map((field) => truncate(`*${escapeText(field.label)}*\n${renderMrkdwn(field.value)}`, limits.fieldText));
  for (let i = 0; i < fields.length; i += limits.fieldsPerSection) {
    const block: SectionBlock = { type: 'section', fields: fields.slice(i, i + limits.fieldsPerSection).map((text) => ({ type: 'mrkdwn', text })) };
    blocks.push(block);
  }
  return blocks;
}

// A long text becomes several section blocks, cut at line breaks where possible.
function sectionsOf(text: string): SectionBlock[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > limits.sectionText) {
    const cut = rest.lastIndexOf('\n', limits.sectionText);
    const at = cut > limits.sectionText / 2 ? cut : limits.sectionText;
    chunks.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  chunks.push(rest);
  return chunks.map((chunk) => ({ type: 'section', text: { type: 'mrkdwn', text: chunk } }));
}

function renderButtons(buttons: readonly Button[]): ActionsBlock[] {
  const blocks: ActionsBlock[] = [];
  const elements = buttons.map((button, i): SlackButton => {
    const element: SlackButton = {
      type: 'button',
      action_id: `${buttonActionPrefix}${i}`,
      text: { type: 'plain_text', text: truncate(button.label, limits.buttonText), emoji: true },
      value: button.command.slice(0, limits.buttonValue),
    };
    return button.style ? { ...element, style: button.style } : element;
  });
  for (let i = 0; i < elements.length; i += limits.buttonsPerActions) {
    blocks.push({ type: 'actions', elements: elements.slice(i, i + limits.buttonsPerActions) });
  }
  return blocks;
}

function contextOf(text: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
