import type { Clock } from '../../src/kernel/clock.js';
import { loadConfig } from '../../src/app/config.js';
import { startWeaver, type RunningWeaver } from '../../src/app/start.js';
import { silentLog, tempDatabasePath } from '../support/harness.js';
import { startFakeSlack, type ApiCall, type FakeOAuth, type FakeSlack, type FakeTeam } from '../fakes/slack-api.js';
import { eventEnvelope, sendEvent, sendSlashCommand, testSigningSecret } from '../fakes/slack-requests.js';

// Three universities, three Slack workspaces, one Weaver installed in each through Slack's OAuth flow.

export const teams = {
  north: { id: 'T0NORTH', name: 'University North', domain: 'north-uni', url: 'https://north-uni.slack.com/', botUserId: 'U0NBOT', botId: 'B0NBOT' },
  south: { id: 'T0SOUTH', name: 'University South', domain: 'south-uni', url: 'https://south-uni.slack.com/', botUserId: 'U0SBOT', botId: 'B0SBOT' },
  west: { id: 'T0WEST', name: 'West College', domain: 'west-college', url: 'https://west-college.slack.com/', botUserId: 'U0WBOT', botId: 'B0WBOT' },
} as const satisfies Record<string, FakeTeam>;

export type Person = Readonly<{ id: string; name: string; team: string; is_admin?: boolean; is_owner?: boolean }>;

export const people = {
  nadia: { id: 'U0NADIA', name: 'nadia', team: teams.north.id, is_admin: true },
  nate: { id: 'U0NATE', name: 'nate', team: teams.north.id },
  sara: { id: 'U0SARA', name: 'sara', team: teams.south.id, is_owner: true },
  sam: { id: 'U0SAM', name: 'sam', team: teams.south.id },
  wren: { id: 'U0WREN', name: 'wren', team: teams.west.id, is_admin: true },
} as const satisfies Record<string, Person>;

export type Room = Readonly<{ id: string; name: string }>;

export const rooms = {
  northCop: { id: 'C0NORTHCOP', name: 'sw-cop', is_member: true, teams: [teams.north.id] },
  southCop: { id: 'C0SOUTHCOP', name: 'practice', is_member: true, teams: [teams.south.id] },
  westCop: { id: 'C0WESTCOP', name: 'cop', is_member: true, teams: [teams.west.id] },
  // A Slack Connect channel: North hosts it, South's people are in it too.
  shared: { id: 'C0SHARED', name: 'sw-connect', is_member: true, teams: [teams.north.id, teams.south.id] },
} as const;

export const oauth: FakeOAuth = { clientId: '1111.2222', clientSecret: 'fake-client-secret', appId: 'A0WEAVER' };
export const stateSecret = 'fake-state-secret-0123456789';
export const publicUrl = 'https://weaver.example.org';

export type InstallVisit = Readonly<{ status: number; html: string; cookie: string; redirect: URL }>;

/** Weaver with Slack in many workspaces (SLACK_CLIENT_ID…), started as `npm start` does, against a fake Slack of three teams. */
export async function startWorkspacesWorld(options: { clock?: Clock; rotation?: FakeOAuth['rotation']; secretKey?: string | null } = {}) {
  const fake: FakeSlack = await startFakeSlack({
    users: Object.values(people).map((person) => ({ ...person })),
    channels: Object.values(rooms).map((room) => ({ ...room, teams: [...room.teams] })),
    teams: Object.values(teams),
    validTokens: [],
    oauth: { ...oauth, rotation: options.rotation },
  });
  const loaded = loadConfig({
    DATABASE_PATH: tempDatabasePath(),
    PORT: '0',
    PUBLIC_URL: publicUrl,
    SLACK_CLIENT_ID: oauth.clientId,
    SLACK_CLIENT_SECRET: oauth.clientSecret,
    SLACK_STATE_SECRET: stateSecret,
    SLACK_SIGNING_SECRET: testSigningSecret,
    SLACK_API_URL: fake.apiUrl,
    WEAVER_SECRET_KEY: options.secretKey === null ? undefined : (options.secretKey ?? 'fake-weaver-secret-key-0123456789'),
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  let weaver: RunningWeaver;
  try {
    weaver = await startWeaver(loaded.config, { log: silentLog, clock: options.clock });
  } catch (error) {
    await fake.close();
    throw error;
  }
  const base = `http://127.0.0.1:${weaver.httpPort}`;
  const requestUrl = `${base}/slack/events`;

  /** Opens the install page and takes its "Add to Slack" link to Slack's authorize page, as a browser does. */
  async function startInstall(teamId: string): Promise<{ cookie: string; authorizeUrl: string; redirect: URL }> {
    const page = await fetch(`${base}/slack/install`);
    const html = await page.text();
    if (page.status !== 200 || !html.includes('Add to Slack')) throw new Error(`install page answered ${page.status}`);
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
    const href = /href="([^"]+)"[^>]*>Add to Slack/.exec(html)?.[1] ?? '';
    const authorizeUrl = href.replace(/&#(\d+);/g, (_whole, code: string) => String.fromCharCode(Number(code)));
    fake.installInto(teamId);
    const approved = await fetch(authorizeUrl, { redirect: 'manual' });
    if (approved.status !== 302) throw new Error(`authorize page answered ${approved.status}`);
    return { cookie, authorizeUrl, redirect: new URL(approved.headers.get('location') ?? '') };
  }

  /** Slack sends the browser to PUBLIC_URL's redirect path; here PUBLIC_URL is this server. */
  async function followRedirect(redirect: URL, cookie: string | undefined): Promise<{ status: number; html: string }> {
    const response = await fetch(`${base}${redirect.pathname}${redirect.search}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
    return { status: response.status, html: await response.text() };
  }

  /** The whole flow: install page, Slack's authorize page (approved in `teamId`), back to the redirect. */
  async function install(teamId: string): Promise<InstallVisit> {
    const started = await startInstall(teamId);
    const done = await followRedirect(started.redirect, started.cookie);
    return { ...done, cookie: started.cookie, redirect: started.redirect };
  }

  /** `/cop <text>` as `person` in `room`, through their own workspace's installation; resolves with the answer. */
  async function ask(person: Person, text: string, room: Room, options: { teamId?: string } = {}) {
    const sent = await cop(person, text, room, options);
    return fake.waitForResponse(sent.responseId);
  }

  /** `/cop <text>` whose answer goes to the channel (link, prompt now): settles once Weaver is done with it. */
  async function run(person: Person, text: string, room: Room, options: { teamId?: string } = {}): Promise<string> {
    const sent = await cop(person, text, room, options);
    await weaver.waitUntilIdle();
    return sent.responseId;
  }

  async function cop(person: Person, text: string, room: Room, options: { teamId?: string }) {
    const responseUrl = fake.newResponseUrl();
    const ack = await sendSlashCommand(requestUrl, {
      text,
      userId: person.id,
      userName: person.name,
      channelId: room.id,
      channelName: room.name,
      teamId: options.teamId ?? person.team,
      responseUrl: responseUrl.url,
    });
    if (ack.status !== 200) throw new Error(`ack was ${ack.status}`);
    return { responseId: responseUrl.id };
  }

  let eventCounter = 0;
  /** One Events API delivery through `teamId`'s installation, settled once Weaver is done with it. */
  async function event(teamId: string, payload: Record<string, unknown>): Promise<void> {
    const envelope = eventEnvelope(payload, `Ev0MW${String(++eventCounter).padStart(4, '0')}`, teamId);
    const response = await sendEvent(requestUrl, envelope);
    if (response.status !== 200) throw new Error(`Events API delivery answered ${response.status}`);
    await weaver.waitUntilIdle();
  }

  /** Calls of `method` made with a token of `teamId`. */
  const callsFrom = (teamId: string, method: string): ApiCall[] => fake.callsTo(method).filter((call) => fake.teamOfToken(call.token) === teamId);

  return {
    fake,
    weaver,
    base,
    startInstall,
    followRedirect,
    install,
    ask,
    run,
    event,
    callsFrom,
    idle: () => weaver.waitUntilIdle(),
    close: async () => {
      await weaver.stop();
      await fake.close();
    },
  };
}

export type WorkspacesWorld = Awaited<ReturnType<typeof startWorkspacesWorld>>;
