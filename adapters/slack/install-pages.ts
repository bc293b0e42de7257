import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { Installation, InstallURLOptions } from '@slack/bolt';

/** The bot scopes an install asks for: the manifest's, so that the two never drift apart. */
export function manifestBotScopes(): string[] {
  const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as { oauth_config: { scopes: { bot: string[] } } };
  return manifest.oauth_config.scopes.bot;
}

/** Slack's authorize page beside the Web API it serves (https://slack.com/api/ → https://slack.com/oauth/v2/authorize). */
export function authorizationUrlFor(apiUrl: string): string {
  return new URL('../oauth/v2/authorize', apiUrl).toString();
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1d1c1d}
a.add{display:inline-block;padding:.7rem 1.2rem;background:#4a154b;color:#fff;border-radius:.4rem;text-decoration:none;font-weight:600}</style>
</head><body>${body}</body></html>`;
}

/** GET /slack/install: what Weaver is, and the "Add to Slack" button (the link carries a fresh, signed state). */
export function renderInstallPage(url: string): string {
  return page(
    'Add Weaver to Slack',
    `<h1>Add Weaver to your Slack workspace</h1>
<p>Weaver keeps communities of practice going: members join, share what works, ask questions whose answers are harvested, and meet.
One community can span several workspaces: each installs Weaver here, then links a channel with <code>/cop link &lt;community&gt;</code>.</p>
<p><a class="add" href="${escape(url)}">Add to Slack</a></p>
<p>The link is good for ten minutes and once; to start again, reload this page.</p>`,
  );
}

/** After a successful install: what to do next, in Slack. */
export function installedPage(installation: Installation, _options: InstallURLOptions, _request: IncomingMessage, response: ServerResponse): void {
  const where = installation.team?.name ?? installation.enterprise?.name ?? 'your workspace';
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
    page(
      'Weaver is installed',
      `<h1>Weaver is installed in ${escape(where)}</h1>
<p>Next, in Slack: invite <strong>@Weaver</strong> to the channel that should be a community's home, and run
<code>/cop link &lt;community&gt;</code> there. <code>/cop help</code> lists every command.</p>`,
    ),
  );
}

/** A failed install: a state that is forged, used or expired is the installer's to redo (400); anything else is ours (500). */
export function installFailedPage(error: Error & { code?: string }, _options: InstallURLOptions, _request: IncomingMessage, response: ServerResponse): void {
  const theirs = error.code === 'slack_oauth_invalid_state' || error.code === 'slack_oauth_missing_state' || error.code === 'slack_oauth_missing_code';
  const cancelled = error.code === 'slack_oauth_installer_authorization_error' && /cancelled/i.test(error.message);
  const sentence = cancelled
    ? 'The install was cancelled in Slack; nothing was installed.'
    : theirs
      ? 'This install link is not valid: it was already used, has expired, or was not made by this Weaver. Start again from the install page.'
      : 'Slack did not complete the install; it has been logged. Please start again from the install page in a moment.';
  response
    .writeHead(theirs || cancelled ? 400 : 500, { 'content-type': 'text/html; charset=utf-8' })
    .end(page('Weaver was not installed', `<h1>Weaver was not installed</h1><p>${escape(sentence)}</p><p><a href="/slack/install">Install page</a></p>`));
}
