import { createHash } from 'node:crypto';
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIEmbed, type APIEmbedField } from 'discord.js';
import type { Button, Reply, RichText, Section, Span } from '../../src/kernel/reply.js';
import { chunk } from '../../src/kernel/chunk.js';

/** Discord's documented message limits. */
export const limits = {
  content: 2000,
  embedsPerMessage: 10,
  embedTotal: 6000,
  title: 256,
  description: 4096,
  fieldsPerEmbed: 25,
  fieldName: 256,
  fieldValue: 1024,
  buttonsPerRow: 5,
  rowsPerMessage: 5,
  buttonLabel: 80,
  customId: 100,
} as const;

export type DiscordMessage = {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  files?: { name: string; data: Buffer; contentType: string }[];
};

const weaverColour = 0x3a7d44;
const blank = '\u200b';

/** A reply as the Discord messages that carry it: body as content, sections as embeds, buttons as rows; split where a limit would be crossed. */
export function renderDiscordMessages(reply: Reply): DiscordMessage[] {
  const messages: DiscordMessage[] = splitText(renderMarkdown(reply.body), limits.content).map((content) => ({ content, embeds: [], components: [] }));
  if (messages.length === 0) messages.push({ embeds: [], components: [] });
  let embedChars = 0;
  for (const embed of reply.sections.flatMap(renderSectionEmbeds)) {
    const size = embedSize(embed);
    let last = messages[messages.length - 1]!;
    if (last.embeds.length >= limits.embedsPerMessage || embedChars + size > limits.embedTotal) {
      last = { embeds: [], components: [] };
      messages.push(last);
      embedChars = 0;
    }
    last.embeds.push(embed);
    embedChars += size;
  }
  const rows = chunk(reply.buttons, limits.buttonsPerRow).map(renderButtonRow);
  chunk(rows, limits.rowsPerMessage).forEach((rowsOfMessage, i) => {
    if (i > 0) messages.push({ embeds: [], components: [] });
    messages[messages.length - 1]!.components = rowsOfMessage;
  });
  if (reply.attachment) {
    const { filename, content, mimeType } = reply.attachment;
    messages[messages.length - 1]!.files = [{ name: filename, data: Buffer.from(content, 'utf8'), contentType: mimeType }];
  }
  for (const message of messages) {
    if (!message.content && message.embeds.length === 0 && !message.files) message.content = blank;
  }
  return messages;
}

/** Rich text as Discord markdown; text from people is escaped so that it shows as typed. */
export function renderMarkdown(text: RichText): string {
  return text.map(renderSpan).join('');
}

function renderSpan(span: Span): string {
  if (typeof span === 'string') return escapeText(span);
  switch (span.kind) {
    case 'bold':
      return span.text ? `**${escapeText(span.text)}**` : '';
    case 'code':
      return renderInlineCode(span.text);
    case 'link': {
      if (!/^https?:\/\/\S+$/i.test(span.url)) return escapeText(span.label);
      const url = span.url.replace(/[()<>]/g, (c) => encodeURIComponent(c));
      return span.label === span.url ? url : `[${escapeText(span.label)}](${url})`;
    }
    case 'time':
      // Discord shows the time in each reader's own zone, so the span's zone is not needed here.
      return `<t:${Math.floor(span.at / 1000)}:F>`;
    case 'user':
      return span.user.platform === 'discord' ? `<@${span.user.userId}>` : escapeText(`@${span.name ?? span.user.userId}`);
    case 'channel':
      return span.channel.platform === 'discord' ? `<#${span.channel.channelId}>` : escapeText(`#${span.name ?? span.channel.channelId}`);
  }
}

// Linear on purpose: discord.js's escapeMarkdown takes quadratic time on long words, and people paste long text.
function escapeText(text: string): string {
  return text.replace(/[\\*_~`|[\]]/g, '\\$&').replace(/^([ \t]*)(>|#{1,3}|-|\d+\.)(?=\s)/gm, '$1\\$2');
}

function renderInlineCode(text: string): string {
  if (!text) return '';
  if (!text.includes('`')) return `\`${text}\``;
  // Double backticks with spaces hold single backticks; longer runs are softened so the span still closes.
  return `\`\` ${text.replace(/`{2,}/g, (run) => run.split('').join('\u200b'))} \`\``;
}

function renderSectionEmbeds(section: Section): APIEmbed[] {
  const descriptions = section.body ? splitText(renderMarkdown(section.body), limits.description) : [];
  const fields = (section.fields ?? []).flatMap(({ label, value }) => {
    const name = truncate(escapeText(label), limits.fieldName) || blank;
    const values = splitText(renderMarkdown(value), limits.fieldValue);
    const inline = values.length === 1 && values[0]!.length <= 60 && !values[0]!.includes('\n');
    return (values.length ? values : ['—']).map((text, i): APIEmbedField => ({ name: i === 0 ? name : blank, value: text, inline }));
  });
  const embeds: APIEmbed[] = [];
  const title = section.title ? truncate(escapeText(section.title), limits.title) : undefined;
  descriptions.forEach((description, i) => embeds.push({ color: weaverColour, ...(i === 0 && title ? { title } : {}), description }));
  if (embeds.length === 0) embeds.push({ color: weaverColour, ...(title ? { title } : {}) });
  for (const field of fields) {
    const last = embeds[embeds.length - 1]!;
    const fits = (last.fields?.length ?? 0) < limits.fieldsPerEmbed && embedSize(last) + field.name.length + field.value.length <= limits.embedTotal;
    if (fits) last.fields = [...(last.fields ?? []), field];
    else embeds.push({ color: weaverColour, fields: [field] });
  }
  return embeds;
}

function embedSize(embed: APIEmbed): number {
  return (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
}

function renderButtonRow(buttons: readonly Button[]): APIActionRowComponent<APIButtonComponentWithCustomId> {
  return {
    type: ComponentType.ActionRow,
    components: buttons.map((button) => ({
      type: ComponentType.Button,
      custom_id: buttonCustomId(button.command),
      label: truncate(button.label, limits.buttonLabel),
      style: button.style === 'primary' ? ButtonStyle.Primary : button.style === 'danger' ? ButtonStyle.Danger : ButtonStyle.Secondary,
    })),
  };
}

const commandPrefix = 'cop:';
const storedPrefix = 'cop#';

/** A button carries its command line in its custom id; a line too long for Discord's 100 characters is stored and named by its hash. */
export function buttonCustomId(command: string): string {
  const inline = `${commandPrefix}${command}`;
  return inline.length <= limits.customId ? inline : `${storedPrefix}${createHash('sha256').update(command).digest('hex').slice(0, 40)}`;
}

/** The command lines of a reply's buttons that must be stored to be found again when clicked, by custom id. */
export function storedButtonCommands(reply: Reply): Map<string, string> {
  return new Map(reply.buttons.map((b) => [buttonCustomId(b.command), b.command] as const).filter(([id]) => id.startsWith(storedPrefix)));
}

export type ButtonTarget = { kind: 'line'; command: string } | { kind: 'stored'; key: string } | undefined;

export function parseButtonCustomId(customId: string): ButtonTarget {
  if (customId.startsWith(commandPrefix)) return { kind: 'line', command: customId.slice(commandPrefix.length) };
  if (customId.startsWith(storedPrefix)) return { kind: 'stored', key: customId };
  return undefined;
}

/** Splits text into pieces of at most `max` characters, at a line break or space when there is one. */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = window.lastIndexOf('\n');
    if (cut < max / 2) cut = window.lastIndexOf(' ');
    if (cut < max / 2) cut = max;
    // Never cut between a backslash and the character it escapes.
    if (rest[cut - 1] === '\\') cut -= 1;
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  if (rest.trim()) pieces.push(rest);
  return pieces.filter((piece) => piece.length > 0);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
