import type { Clock } from '../../src/kernel/clock.js';
import type { WorkLimits } from '../../src/kernel/work.js';
import { loadConfig } from '../../src/app/config.js';
import { startWeaver, type RunningWeaver } from '../../src/app/start.js';
import { emptyDatabase, silentLog, tempDatabasePath } from '../support/harness.js';
import { fakeBot, startFakeSlack, type FakeSlack, type ResponseUrlPost } from '../fakes/slack-api.js';
import {
  blockActionsPayload,
  eventEnvelope,
  messageShortcutPayload,
  sendEvent,
  sendInteraction,
  sendSlashCommand,
  testSigningSecret,
  type SendOptions,
} from '../fakes/slack-requests.js';

export const people = {
  admin: { id: 'U0ADMIN', name: 'ada', is_admin: true },
  owner: { id: 'U0OWNER', name: 'olu', is_owner: true },
  weaverAdmin: { id: 'U0WEAVER', name: 'wen' },
  ann: { id: 'U0ANN', name: 'ann' },
  bob: { id: 'U0BOB', name: 'bob' },
  carol: { id: 'U0CAROL', name: 'carol' },
  dave: { id: 'U0DAVE', name: 'dave' },
  slow: { id: 'U0SLOW', name: 'sam' },
  flaky: { id: 'U0FLAKY', name: 'fay' },
} as const;

export const rooms = {
  general: { id: 'C0GENERAL', name: 'general', is_member: true },
  outreach: { id: 'C0OUTREACH', name: 'outreach', is_member: false },
  secret: { id: 'G0SECRET', name: 'secret', is_private: true, is_member: false },
  busy: { id: 'C0BUSY', name: 'busy', is_member: false },
  archived: { id: 'C0OLD', name: 'old', is_member: false, is_archived: true },
} as const;

export type SlackWorld = Awaited<ReturnType<typeof startSlackWorld>>;

/** The real start-up path (startWeaver) with Slack over HTTP, its Web API pointed at a local fake. */
export async function startSlackWorld(options: { clock?: Clock; workLimits?: WorkLimits } = {}) {
  const fake: FakeSlack = await startFakeSlack({ users: Object.values(people), channels: Object.values(rooms) });
  const loaded = loadConfig({
    DATABASE_PATH: tempDatabasePath(),
    PORT: '0',
    SLACK_BOT_TOKEN: fakeBot.token,
    SLACK_SIGNING_SECRET: testSigningSecret,
    SLACK_API_URL: fake.apiUrl,
    WEAVER_ADMINS: `slack:${people.weaverAdmin.id}`,
  });
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  let weaver: RunningWeaver;
  try {
    weaver = await startWeaver(loaded.config, { log: silentLog, clock: options.clock, workLimits: options.workLimits });
  } catch (error) {
    await fake.close();
    throw error;
  }
  const base = `http://127.0.0.1:${weaver.httpPort}`;
  const requestUrl = `${base}/slack/events`;

  /** Types `/cop <text>` as `user` in `channel`: the HTTP ack, and the answer posted to its response_url when it comes. */
  async function cop(user: { id: string; name: string }, text: string, channel: { id: string; name: string } = rooms.general, options?: SendOptions) {
    const responseUrl = fake.newResponseUrl();
    const ack = await sendSlashCommand(
      requestUrl,
      { text, userId: user.id, userName: user.name, channelId: channel.id, channelName: channel.name, responseUrl: responseUrl.url },
      options,
    );
    return { ack, responseId: responseUrl.id, answer: () => fake.waitForResponse(responseUrl.id) };
  }

  /** `/cop <text>` whose answer is personal: resolves with the ephemeral response. */
  async function ask(user: { id: string; name: string }, text: string, channel: { id: string; name: string } = rooms.general) {
    const sent = await cop(user, text, channel);
    if (sent.ack.status !== 200) throw new Error(`ack was ${sent.ack.status}`);
    return sent.answer();
  }

  /** Clicks a button: on an ephemeral answer, or on `posted`, a message the bot posted in the channel. */
  async function click(
    user: { id: string; name: string },
    button: { action_id: string; value: string },
    channel: { id: string; name: string } = rooms.general,
    posted?: { ts: string; text: string; blocks?: unknown },
  ) {
    const responseUrl = fake.newResponseUrl();
    const who = { userId: user.id, userName: user.name, channelId: channel.id, channelName: channel.name, responseUrl: responseUrl.url };
    const ack = await sendInteraction(requestUrl, blockActionsPayload(who, button, posted?.ts, posted));
    return { ack, answer: () => fake.waitForResponse(responseUrl.id) };
  }

  async function harvest(
    user: { id: string; name: string },
    message: { ts: string; user: string; text: string; thread_ts?: string },
    channel: { id: string; name: string } = rooms.general,
  ) {
    const responseUrl = fake.newResponseUrl();
    const who = { userId: user.id, userName: user.name, channelId: channel.id, channelName: channel.name, responseUrl: responseUrl.url };
    const ack = await sendInteraction(requestUrl, messageShortcutPayload(who, message));
    return { ack, answer: () => fake.waitForResponse(responseUrl.id) };
  }

  let eventCounter = 0;
  /**
   * Delivers one Events API event as Slack does (an event_callback envelope, signed), and settles once Weaver has
   * finished with it. `retryNum` sends the X-Slack-Retry-Num header Slack puts on a redelivery of the same event_id.
   */
  async function event(payload: Record<string, unknown>, options: { eventId?: string; retryNum?: number } = {}): Promise<string> {
    const eventId = options.eventId ?? `Ev0E2E${String(++eventCounter).padStart(4, '0')}`;
    const response = await sendEvent(requestUrl, eventEnvelope(payload, eventId), { retryNum: options.retryNum });
    if (response.status !== 200) throw new Error(`Events API delivery answered ${response.status}`);
    await weaver.waitUntilIdle();
    return eventId;
  }

  return {
    fake,
    weaver,
    event,
    /** Settles once every request sent so far has been fully handled. */
    idle: () => weaver.waitUntilIdle(),
    /** Starts a test from nothing on the running bot: no rows in the database, no calls recorded by the fake. */
    async reset() {
      await weaver.waitUntilIdle();
      await emptyDatabase(weaver.services.db);
      fake.calls.splice(0);
      fake.responses.splice(0);
    },
    base,
    requestUrl,
    cop,
    ask,
    click,
    harvest,
    close: async () => {
      await weaver.stop();
      await fake.close();
    },
  };
}

export function textOf(post: ResponseUrlPost | { params: Record<string, unknown> }): string {
  const body = 'body' in post ? post.body : post.params;
  return String(body.text ?? '');
}

export type SlackBlock = { type: string; elements?: { type: string; action_id?: string; value?: string; text?: { text: string } }[] };

export function buttonsOf(post: ResponseUrlPost): { action_id: string; value: string; text: string }[] {
  const blocks = (post.body.blocks ?? []) as SlackBlock[];
  return blocks
    .filter((block) => block.type === 'actions')
    .flatMap((block) => block.elements ?? [])
    .map((element) => ({ action_id: element.action_id ?? '', value: element.value ?? '', text: element.text?.text ?? '' }));
}
