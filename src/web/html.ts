import type { RichText, Span } from '../kernel/reply.js';
import { formatInZone } from '../kernel/time.js';

/** Markup that is already safe; everything else put into a template is escaped. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

type Value = Html | string | number | null | undefined | false | readonly Value[];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function markupOf(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.markup;
  if (Array.isArray(value)) return (value as readonly Value[]).map(markupOf).join('');
  return escapeHtml(String(value));
}

/** A template whose values are escaped unless they are Html: `html\`<p>${name}</p>\``. */
export function html(strings: TemplateStringsArray, ...values: readonly Value[]): Html {
  return new Html(strings.reduce((out, text, i) => out + text + (i < values.length ? markupOf(values[i]) : ''), ''));
}

export const raw = (markup: string): Html => new Html(markup);

/** Only web links become links: a `javascript:` URL stays text. */
export function safeUrl(url: string | null | undefined): string | undefined {
  return url && /^https?:\/\//i.test(url) ? url : undefined;
}

/** The core's rich text as HTML; people are shown by name, as the core chose to name them. */
export function renderRich(text: RichText): Html {
  return html`${text.map(renderSpan)}`;
}

function renderSpan(span: Span): Html {
  if (typeof span === 'string') return html`${span}`;
  switch (span.kind) {
    case 'bold':
      return html`<strong>${span.text}</strong>`;
    case 'code':
      return html`<code>${span.text}</code>`;
    case 'link': {
      const url = safeUrl(span.url);
      return url ? html`<a href="${url}">${span.label}</a>` : html`${span.label}`;
    }
    case 'time':
      return html`<time>${formatInZone(span.at, span.zone)}</time>`;
    case 'user':
      return html`${span.name ?? span.user.userId}`;
    case 'channel':
      return html`#${span.name ?? span.channel.channelId}`;
  }
}

export type PageOptions = Readonly<{
  title: string;
  body: Html;
  /** The signed-in person's name and form token, for the header's sign-out button. */
  signedIn?: { name: string; csrf: string };
}>;

export function renderPage({ title, body, signedIn }: PageOptions): string {
  const document = html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="referrer" content="same-origin" />
      <title>${title} · Weaver</title>
      <link rel="stylesheet" href="/assets/site.css" />
    </head>
    <body>
      <header class="top">
        <a class="brand" href="/">Weaver</a>
        ${
          signedIn
            ? html`<form method="post" action="/sign-out" class="signout">
                <span>${signedIn.name}</span><input type="hidden" name="csrf" value="${signedIn.csrf}" /><button type="submit">Sign out</button>
              </form>`
            : ''
        }
      </header>
      <main>${body}</main>
    </body>
  </html>`;
  return `<!doctype html>${document.markup}\n`;
}
