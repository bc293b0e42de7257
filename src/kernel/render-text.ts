import type { Reply, RichText, Span } from './reply.js';
import { formatInZone } from './time.js';

/** Renders a reply as plain text: the console's output and the fallback text of platform messages. */
export function renderPlainText(reply: Reply): string {
  const lines = [renderSpans(reply.body)];
  for (const section of reply.sections) {
    lines.push('');
    if (section.title) lines.push(section.title);
    if (section.body) lines.push(renderSpans(section.body));
    for (const field of section.fields ?? []) lines.push(`  ${field.label}: ${renderSpans(field.value)}`);
  }
  if (reply.buttons.length) lines.push('', reply.buttons.map((button, i) => `[${i + 1}] ${button.label}`).join('  '));
  if (reply.attachment) lines.push('', `(attached: ${reply.attachment.filename})`);
  return lines.join('\n');
}

export function renderSpans(text: RichText): string {
  return text.map(renderSpan).join('');
}

function renderSpan(span: Span): string {
  if (typeof span === 'string') return span;
  switch (span.kind) {
    case 'bold':
    case 'code':
      return span.text;
    case 'link':
      return span.label === span.url ? span.url : `${span.label} (${span.url})`;
    case 'time':
      return formatInZone(span.at, span.zone);
    case 'user':
      return `@${span.name ?? span.user.userId}`;
    case 'channel':
      return `#${span.name ?? span.channel.channelId}`;
  }
}
