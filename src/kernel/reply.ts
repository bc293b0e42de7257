import type { ChannelRef, UserRef } from './identity.js';
import type { RefusalCode } from './refusals.js';

/** One piece of rich text; each adapter renders it in its platform's own markup. */
export type Span =
  | string
  | Readonly<{ kind: 'bold'; text: string }>
  | Readonly<{ kind: 'code'; text: string }>
  | Readonly<{ kind: 'link'; url: string; label: string }>
  | Readonly<{ kind: 'time'; at: number; zone: string }>
  | Readonly<{ kind: 'user'; user: UserRef; name?: string | null }>
  | Readonly<{ kind: 'channel'; channel: ChannelRef; name?: string | null }>;

export type RichText = readonly Span[];

export type Field = Readonly<{ label: string; value: RichText }>;
export type Section = Readonly<{ title?: string; body?: RichText; fields?: readonly Field[] }>;
/** A button runs a command line as the person who clicks it, through the same checks as typing it. */
export type Button = Readonly<{ label: string; command: string; style?: 'primary' | 'danger' }>;
export type Attachment = Readonly<{ filename: string; content: string; mimeType: string }>;

/**
 * What the core answers, whatever the platform. `caller` replies are seen only by the one who asked
 * (ephemeral); `channel` replies are posted for everyone in the channel.
 */
export type Reply = Readonly<{
  visibility: 'caller' | 'channel';
  body: RichText;
  sections: readonly Section[];
  buttons: readonly Button[];
  attachment?: Attachment;
  /** Set when the reply is a refusal: an expected failure, named for tests and logs. */
  refusal?: RefusalCode;
  /** Set when a bug stopped the command: the person gets an apology, the log has the error. Never a refusal. */
  internalError?: true;
}>;

export type ReplyOptions = Partial<Pick<Reply, 'visibility' | 'sections' | 'buttons' | 'attachment'>>;

export function answer(body: RichText | string, options: ReplyOptions = {}): Reply {
  return {
    visibility: options.visibility ?? 'caller',
    body: typeof body === 'string' ? [body] : body,
    sections: options.sections ?? [],
    buttons: options.buttons ?? [],
    attachment: options.attachment,
  };
}

export function refuse(code: RefusalCode, body: RichText | string): Reply {
  return { ...answer(body), refusal: code };
}

/** The answer when a bug stopped the work: a short apology, no stack trace (the error itself goes to the log). */
export function apologize(what: string): Reply {
  return { ...answer(`Something went wrong with ${what}; it has been logged. Please try again in a moment.`), internalError: true };
}

/** Rich text from a template: `rich\`Welcome to ${bold(name)}\``. Plain values become text. */
export function rich(strings: TemplateStringsArray, ...values: readonly (Span | number | RichText)[]): Span[] {
  const spans: Span[] = [];
  strings.forEach((text, i) => {
    if (text) spans.push(text);
    if (i < values.length) {
      const value = values[i]!;
      if (Array.isArray(value)) spans.push(...(value as RichText));
      else spans.push(typeof value === 'number' ? String(value) : (value as Span));
    }
  });
  return spans;
}

export const bold = (text: string): Span => ({ kind: 'bold', text });
export const code = (text: string): Span => ({ kind: 'code', text });
export const link = (url: string, label: string): Span => ({ kind: 'link', url, label });
export const time = (at: number, zone: string): Span => ({ kind: 'time', at, zone });
export const mention = (user: UserRef, name?: string | null): Span => ({ kind: 'user', user, name });
export const channelMention = (channel: ChannelRef, name?: string | null): Span => ({ kind: 'channel', channel, name });

/** Joins rich texts with a separator, as Array.join does for strings. */
export function joinRich(parts: readonly RichText[], separator: string): Span[] {
  return parts.flatMap((part, i) => (i === 0 ? [...part] : [separator, ...part]));
}
