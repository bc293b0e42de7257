/**
 * Text as Slack sends it (slash commands, message events) turned back into what the person typed. Slack encodes
 * `&`, `<` and `>` as entities and wraps links, mentions and specials in `<…>` (docs.slack.dev/messaging/formatting-message-text).
 * User and channel mentions stay as `<@U123|ann>` / `<#C123|general>`: the core reads those wherever a user or
 * channel is expected.
 */
export function decodeSlackText(text: string, links: 'url' | 'label-and-url' = 'url'): string {
  const unwrapped = text.replace(/<([^<>]*)>/g, (whole, inner: string) => {
    const [target = '', label] = splitOnce(inner, '|');
    if (target.startsWith('@') || target.startsWith('#')) return whole;
    if (target.startsWith('!')) return decodeSpecial(target, label);
    const url = target.startsWith('mailto:') ? target.slice('mailto:'.length) : target;
    if (links === 'url' || !label || sameLink(label, url)) return url;
    return `${label} (${url})`;
  });
  return unwrapped.replace(/&(amp|lt|gt);/g, (_entity, name: string) => entities[name] ?? '');
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>' };

// `<!here>`, `<!channel>`, `<!subteam^S123|@designers>`, `<!date^…|fallback>`: the readable form, never a live ping.
function decodeSpecial(target: string, label: string | undefined): string {
  if (label) return label;
  const word = target.slice(1).split('^')[0] ?? '';
  return word ? `@${word}` : '';
}

function sameLink(label: string, url: string): boolean {
  const bare = (value: string) => value.replace(/^(https?:\/\/|mailto:)/, '').replace(/\/$/, '');
  return bare(label) === bare(url);
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const at = value.indexOf(separator);
  return at < 0 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)];
}
