import type { IncomingMessage, ServerResponse } from 'node:http';
import { findCommunityBySlug } from '../communities/communities.js';
import { findMember } from '../communities/members.js';
import type { Route } from '../kernel/routes.js';
import type { Services } from '../storage/services.js';
import { toCsv } from './charts.js';
import { chartProviders, scopeOf } from './sections.js';
import { html, renderPage, type Html } from './html.js';
import { gatherMemberTable, maySeeMembers, nameOf, renderCommunityPage, renderDirectory, renderKnowledgePage, renderMembersPage } from './pages.js';
import { endSession, findSession, inspectSignInLink, redeemSignInLink, sessionMs, type WebIdentity } from './sign-in.js';
import { siteCss } from './style.js';

export const sessionCookie = 'weaver_session';
const slug = '([a-z0-9-]{2,32})';
const sealed = '([A-Za-z0-9_.-]{1,200})';

// No script anywhere; styles only from our own stylesheet; forms post only to us; no framing; no referrer to other sites (links carry tokens).
const securityHeaders = {
  'content-security-policy': "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  'cache-control': 'no-store',
} as const;

const getNewLink = html`<p>
  Type <code>/cop list</code> (or <code>/cop info &lt;community&gt;</code>, <code>/cop stats &lt;community&gt;</code>) in Slack, Discord or the Weaver console:
  the answer carries a new personal sign-in link, valid for 15 minutes and once.
</p>`;

type Signed = WebIdentity & { csrf: string; name: string };

function send(response: ServerResponse, status: number, body: string, type: string, extra: Record<string, string> = {}): void {
  response.writeHead(status, { ...securityHeaders, 'content-type': type, ...extra }).end(body);
}

function sendPage(response: ServerResponse, status: number, title: string, body: Html, signedIn?: Signed, extra: Record<string, string> = {}): void {
  send(response, status, renderPage({ title, body, signedIn }), 'text/html; charset=utf-8', extra);
}

function sendCsv(response: ServerResponse, filename: string, csv: string): void {
  send(response, 200, csv, 'text/csv; charset=utf-8', { 'content-disposition': `attachment; filename="${filename}"` });
}

function cookieValue(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

async function readForm(request: IncomingMessage, limit = 4096): Promise<URLSearchParams | undefined> {
  let body = '';
  for await (const chunk of request) {
    body += String(chunk);
    if (body.length > limit) return undefined;
  }
  return new URLSearchParams(body);
}

/** A form post must come from our own pages: a browser names the page's origin, and it must be this host. */
function sameOrigin(request: IncomingMessage): boolean {
  if (request.headers['sec-fetch-site'] && !['same-origin', 'none'].includes(String(request.headers['sec-fetch-site']))) return false;
  const origin = request.headers.origin;
  if (!origin || origin === 'null') return origin === undefined;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

export type WebOptions = Readonly<{ services: Services }>;

/** The web pages: sign-in, the directory, community pages, knowledge, members, and their CSVs. */
export function webRoutes({ services }: WebOptions): Route[] {
  const cookie = (value: string, maxAge: number) =>
    `${sessionCookie}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${(services.settings.publicUrl ?? '').startsWith('https://') ? '; Secure' : ''}`;

  async function signedIn(request: IncomingMessage): Promise<Signed | undefined> {
    const value = cookieValue(request, sessionCookie);
    const session = value ? await findSession(services, value) : undefined;
    if (!session) return undefined;
    const member = await findMember(services.db, session.user);
    return { ...session, name: nameOf(member) ?? member?.display_name ?? session.user.userId };
  }

  /** A page that needs a session: without one, a 401 page that says how to sign in. */
  function page(handler: (request: IncomingMessage, response: ServerResponse, params: readonly string[], who: Signed) => Promise<void>): Route['handle'] {
    return async (request, response, params) => {
      const who = await signedIn(request);
      if (!who) {
        sendPage(
          response,
          401,
          'Sign in',
          html`<h1>Sign in to see this page</h1>
            ${getNewLink}`,
        );
        return;
      }
      await handler(request, response, params, who);
    };
  }

  async function scopeFor(response: ServerResponse, who: Signed, slugParam: string | undefined) {
    const community = slugParam ? await findCommunityBySlug(services.db, slugParam) : undefined;
    if (!community) {
      sendPage(
        response,
        404,
        'Not found',
        html`<h1>No such community</h1>
          <p><a href="/">See every community</a>.</p>`,
        who,
      );
      return undefined;
    }
    return scopeOf(services, community);
  }

  const notAllowed = (response: ServerResponse, who: Signed, slugParam: string) =>
    sendPage(
      response,
      403,
      'Not allowed',
      html`<h1>Only coordinators and admins see the members</h1>
        <p>This page of ${slugParam} is for its coordinators and Weaver admins. <a href="/communities/${slugParam}">Back to the community</a>.</p>`,
      who,
    );

  const linkProblem = {
    used: ['This link has been used', 410],
    expired: ['This link has expired', 410],
    unknown: ['This link does not work', 404],
  } as const;

  return [
    {
      method: 'GET',
      path: /^\/assets\/site\.css$/,
      handle: (_request, response) => send(response, 200, siteCss, 'text/css; charset=utf-8', { 'cache-control': 'public, max-age=3600' }),
    },
    {
      method: 'GET',
      path: new RegExp(`^/sign-in/${sealed}$`),
      // Chat apps and mail scanners open links to preview them: this page only asks, the button below signs in.
      async handle(_request, response, [token]) {
        const state = await inspectSignInLink(services, token!);
        if (state !== 'valid') {
          const [title, status] = linkProblem[state];
          sendPage(
            response,
            status,
            title,
            html`<h1>${title}</h1>
              <p>Sign-in links work once, for 15 minutes.</p>
              ${getNewLink}`,
          );
          return;
        }
        sendPage(
          response,
          200,
          'Sign in',
          html`<h1>Sign in to Weaver</h1>
            <p>This personal link signs you in for 12 hours on this device. It works once.</p>
            <form method="post" action="/sign-in/${token}"><button type="submit">Sign in</button></form>`,
        );
      },
    },
    {
      method: 'POST',
      path: new RegExp(`^/sign-in/${sealed}$`),
      async handle(request, response, [token]) {
        if (!sameOrigin(request)) {
          sendPage(
            response,
            403,
            'Not allowed',
            html`<h1>Sign in from Weaver’s own page</h1>
              ${getNewLink}`,
          );
          return;
        }
        const outcome = await redeemSignInLink(services, token!);
        if (!outcome.ok) {
          const [title, status] = linkProblem[outcome.problem];
          sendPage(
            response,
            status,
            title,
            html`<h1>${title}</h1>
              <p>Sign-in links work once, for 15 minutes.</p>
              ${getNewLink}`,
          );
          return;
        }
        response.writeHead(303, { ...securityHeaders, location: '/', 'set-cookie': cookie(outcome.sessionToken, sessionMs / 1000) }).end();
      },
    },
    {
      method: 'POST',
      path: /^\/sign-out$/,
      handle: page(async (request, response, _params, who) => {
        const form = await readForm(request);
        if (!sameOrigin(request) || form?.get('csrf') !== who.csrf) {
          sendPage(
            response,
            403,
            'Not allowed',
            html`<h1>Sign out from Weaver’s own page</h1>
              <p><a href="/">Back</a></p>`,
            who,
          );
          return;
        }
        await endSession(services, cookieValue(request, sessionCookie) ?? '');
        sendPage(
          response,
          200,
          'Signed out',
          html`<h1>You are signed out</h1>
            ${getNewLink}`,
          undefined,
          { 'set-cookie': cookie('', 0) },
        );
      }),
    },
    {
      method: 'GET',
      path: /^\/$/,
      handle: page(async (_request, response, _params, who) => sendPage(response, 200, 'Communities', await renderDirectory(services), who)),
    },
    {
      method: 'GET',
      path: new RegExp(`^/communities/${slug}$`),
      handle: page(async (_request, response, [slugParam], who) => {
        const scope = await scopeFor(response, who, slugParam);
        if (scope) sendPage(response, 200, scope.community.name, await renderCommunityPage(services, who, scope), who);
      }),
    },
    {
      method: 'GET',
      path: new RegExp(`^/communities/${slug}/knowledge$`),
      handle: page(async (request, response, [slugParam], who) => {
        const scope = await scopeFor(response, who, slugParam);
        const query = new URL(request.url ?? '/', 'http://localhost').searchParams.get('q') ?? '';
        if (scope) sendPage(response, 200, `Knowledge · ${scope.community.name}`, await renderKnowledgePage(services, who, scope, query), who);
      }),
    },
    {
      method: 'GET',
      path: new RegExp(`^/communities/${slug}/members(\\.csv)?$`),
      handle: page(async (_request, response, [slugParam, csv], who) => {
        const scope = await scopeFor(response, who, slugParam);
        if (!scope) return;
        if (!(await maySeeMembers(services, who, scope))) return notAllowed(response, who, slugParam!);
        if (csv) {
          const table = await gatherMemberTable(services, scope, services.clock.now());
          sendCsv(response, `${scope.community.slug}-members.csv`, toCsv(table.columns, table.rows));
        } else sendPage(response, 200, `Members · ${scope.community.name}`, await renderMembersPage(services, scope), who);
      }),
    },
    {
      method: 'GET',
      path: new RegExp(`^/communities/${slug}/charts/([a-z0-9-]{1,64})\\.csv$`),
      handle: page(async (_request, response, [slugParam, chartId], who) => {
        const scope = await scopeFor(response, who, slugParam);
        if (!scope) return;
        const provider = chartProviders.find((p) => p.id === chartId);
        const chart = provider ? await provider.gather(services, scope, services.clock.now()) : undefined;
        if (!chart) {
          sendPage(
            response,
            404,
            'Not found',
            html`<h1>No such chart</h1>
              <p><a href="/communities/${scope.community.slug}">Back</a></p>`,
            who,
          );
          return;
        }
        sendCsv(response, `${scope.community.slug}-${chart.id}.csv`, toCsv(chart.columns, chart.rows));
      }),
    },
  ];
}
