import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../src/kernel/clock.js';
import { appHomeOpened, homeBlockActionsPayload, sendInteraction, viewSubmissionPayload } from '../fakes/slack-requests.js';
import { people, rooms, startSlackWorld, type SlackWorld } from './slack-world.js';

// Slack's own surfaces, through real Bolt against the fake Slack: `/cop event create` with no arguments opens a form
// (views.open with the command's trigger id) whose submission runs the same handler; the Home tab is published
// when opened and after each click there.

let world: SlackWorld;
beforeAll(async () => {
  world = await startSlackWorld({ clock: manualClock('2026-11-23T10:00:00Z') });
  await world.ask(people.weaverAdmin, 'create outreach "STEM Outreach"');
  await world.ask(people.weaverAdmin, 'create design "Service Design"');
  await world.ask(people.weaverAdmin, `coordinator outreach <@${people.ann.id}|ann>`);
  await world.cop(people.ann, 'link outreach', rooms.outreach);
  await world.idle();
  await world.ask(people.ann, 'join outreach core');
});
afterAll(async () => world?.close());

const lastSeq = () => world.fake.calls.at(-1)?.seq ?? 0;

type ViewBlock = { block_id: string; optional: boolean; element: Record<string, any> };

async function openForm(text: string) {
  const from = lastSeq();
  const sent = await world.cop(people.ann, text, rooms.outreach);
  expect(sent.ack.status).toBe(200);
  const opened = await world.fake.waitForAnswered('views.open', (call) => call.seq > from);
  await world.idle();
  return { sent, opened, view: opened.params.view as { callback_id: string; private_metadata: string; title: { text: string }; blocks: ViewBlock[] } };
}

const formValues = (date: string, timezone = 'Europe/London') => ({
  community: { type: 'static_select', selected_option: { text: { type: 'plain_text', text: 'STEM Outreach (outreach)' }, value: 'outreach' } },
  title: { type: 'plain_text_input', value: 'Taster day debrief' },
  date: { type: 'datepicker', selected_date: date },
  time: { type: 'timepicker', selected_time: '14:00' },
  duration: { type: 'number_input', value: '90' },
  timezone: { type: 'plain_text_input', value: timezone },
  where: { type: 'plain_text_input', value: null },
  reminders: { type: 'plain_text_input', value: '1d,1h' },
});

async function submit(view: { callback_id: string; private_metadata: string }, viewId: string, values: Record<string, Record<string, unknown>>) {
  const response = await sendInteraction(
    world.requestUrl,
    viewSubmissionPayload(
      { userId: people.ann.id, userName: 'ann' },
      { id: viewId, callback_id: view.callback_id, private_metadata: view.private_metadata },
      values,
    ),
  );
  const text = await response.text();
  await world.idle();
  return { status: response.status, body: text ? (JSON.parse(text) as { response_action?: string; errors?: Record<string, string> }) : {} };
}

describe('the event form on Slack', () => {
  it('opens from /cop event create <community> with the command’s trigger id, one field per argument', async () => {
    const { sent, opened, view } = await openForm('event create outreach');
    expect(opened.params.trigger_id).toBe('13345224609.738474920.8088930838d88f008e0');
    expect(view.title.text).toBe('Create an event');
    expect(view.blocks.map((b) => [b.block_id, b.element.type, b.optional])).toEqual([
      ['community', 'static_select', false],
      ['title', 'plain_text_input', false],
      ['date', 'datepicker', false],
      ['time', 'timepicker', false],
      ['duration', 'number_input', true],
      ['timezone', 'plain_text_input', true],
      ['where', 'plain_text_input', true],
      ['reminders', 'plain_text_input', true],
    ]);
    const byId = Object.fromEntries(view.blocks.map((b) => [b.block_id, b.element]));
    expect(byId.community!.initial_option.value).toBe('outreach');
    expect(byId.community!.options.map((o: { value: string }) => o.value)).toEqual(['outreach', 'design']);
    // The zone defaults to the community's (none set: DEFAULT_TIMEZONE, UTC here).
    expect(byId.timezone!.initial_value).toBe('UTC');
    expect(byId.reminders!.initial_value).toBe('1d,1h');
    // The form is the answer: nothing is posted to the command's response_url.
    expect(world.fake.responsesTo(sent.responseId)).toEqual([]);
  });

  it('opens from /cop event create with no arguments too, with no community chosen', async () => {
    const { view } = await openForm('event create');
    expect(view.blocks[0]!.element.initial_option).toBeUndefined();
  });

  it('a submission creates the event through the same handler, posts it, and answers the coordinator', async () => {
    const { opened, view } = await openForm('event create outreach');
    const from = lastSeq();
    const submitted = await submit(view, String((opened.answer.view as { id: string }).id), formValues('2026-12-03'));
    expect(submitted).toEqual({ status: 200, body: {} });
    const event = await world.weaver.services.db.selectFrom('event').selectAll().where('title', '=', 'Taster day debrief').executeTakeFirstOrThrow();
    expect([event.starts_at, event.ends_at, event.timezone]).toEqual([Date.parse('2026-12-03T14:00:00Z'), Date.parse('2026-12-03T15:30:00Z'), 'Europe/London']);
    const later = world.fake.calls.filter((call) => call.seq > from);
    expect(
      later.some(
        (call) => call.method === 'chat.postMessage' && call.params.channel === rooms.outreach.id && String(call.params.text).includes('Taster day debrief'),
      ),
    ).toBe(true);
    const answer = later.find((call) => call.method === 'chat.postEphemeral' && call.params.user === people.ann.id);
    expect(String(answer?.params.text)).toContain(`Created event #${event.id}: Taster day debrief on Thu 3 Dec 2026, 14:00 GMT`);
  });

  it('shows what is wrong in the form’s fields and creates nothing', async () => {
    const { opened, view } = await openForm('event create outreach');
    const viewId = String((opened.answer.view as { id: string }).id);
    const badZone = await submit(view, viewId, formValues('2026-12-03', 'Mars/Base'));
    expect(badZone.body.response_action).toBe('errors');
    expect(badZone.body.errors).toEqual({ timezone: '“Mars/Base” is not an IANA time zone such as Europe/London.' });
    const past = await submit(view, viewId, formValues('2026-11-01'));
    expect(past.body.response_action).toBe('errors');
    expect(past.body.errors?.date).toContain('has already passed');
    expect(past.body.errors?.date).not.toContain('Usage:');
    const count = await world.weaver.services.db
      .selectFrom('event')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('starts_at', '<', Date.parse('2026-11-23T00:00:00Z'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('answers as before when the command has its arguments', async () => {
    const from = lastSeq();
    const answer = await world.ask(people.ann, 'event create outreach Lunch tomorrow 12:30');
    expect(String(answer.body.text)).toContain('Lunch on Tue 24 Nov 2026, 12:30');
    expect(world.fake.calls.filter((call) => call.seq > from && call.method === 'views.open')).toEqual([]);
  });
});

describe('the Home tab on Slack', () => {
  type HomeBlock = {
    type: string;
    text?: { text: string };
    accessory?: { value: string; text: { text: string } };
    elements?: { value: string; text: { text: string }; action_id: string }[];
  };
  const homeOf = (userId: string) => (world.fake.homes.get(userId)?.blocks ?? []) as HomeBlock[];
  const textOfHome = (userId: string) => JSON.stringify(homeOf(userId));

  it('is published on app_home_opened: communities with tier, Join for the others, upcoming events with RSVP buttons', async () => {
    await world.ask(people.ann, 'event create outreach "Show and tell" 2026-12-10 15:00');
    const { id } = await world.weaver.services.db.selectFrom('event').select('id').where('title', '=', 'Show and tell').executeTakeFirstOrThrow();
    await world.event(appHomeOpened(people.ann.id));
    const blocks = homeOf(people.ann.id);
    expect(textOfHome(people.ann.id)).toContain('*STEM Outreach* (`outreach`) · core');
    expect(blocks.find((b) => b.text?.text.includes('Service Design'))?.accessory).toMatchObject({ value: 'join design', text: { text: 'Join' } });
    expect(blocks.find((b) => b.text?.text.includes('STEM Outreach'))?.accessory).toMatchObject({ value: 'leave outreach', text: { text: 'Leave' } });
    expect(textOfHome(people.ann.id)).toContain('Show and tell');
    const rsvp = blocks
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? [])
      .map((e) => e.value);
    expect(rsvp).toEqual(expect.arrayContaining([`rsvp ${id} yes`, `rsvp ${id} maybe`, `rsvp ${id} no`]));
  });

  it('the messages tab is not the Home tab: nothing is published', async () => {
    const before = world.fake.callsTo('views.publish').length;
    await world.event(appHomeOpened(people.bob.id, 'messages'));
    expect(world.fake.callsTo('views.publish').length).toBe(before);
  });

  it('a click there runs the command as the member and refreshes the Home tab with the answer', async () => {
    await world.ask(people.ann, 'event create outreach "Reading group" 2026-12-11 15:00');
    await world.event(appHomeOpened(people.ann.id));
    const maybe = homeOf(people.ann.id)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.value.startsWith('rsvp') && e.value.endsWith(' maybe'))!;
    const before = world.fake.callsTo('views.publish').length;
    const response = await sendInteraction(
      world.requestUrl,
      homeBlockActionsPayload({ userId: people.ann.id, userName: 'ann' }, { action_id: maybe.action_id, value: maybe.value }),
    );
    expect(response.status).toBe(200);
    await world.idle();
    expect(world.fake.callsTo('views.publish').length).toBe(before + 1);
    expect(textOfHome(people.ann.id)).toContain('You said *maybe*');
    expect(textOfHome(people.ann.id)).toContain('you said *maybe*');

    const join = homeOf(people.ann.id).find((b) => b.accessory?.value === 'join design')!.accessory!;
    await sendInteraction(
      world.requestUrl,
      homeBlockActionsPayload({ userId: people.ann.id, userName: 'ann' }, { action_id: 'cop_button_home_x', value: join.value }),
    );
    await world.idle();
    expect(textOfHome(people.ann.id)).toContain('*Service Design* (`design`) · wider');
  });
});

describe('the manifest for these surfaces', () => {
  it('turns the Home tab on and subscribes to app_home_opened', async () => {
    const { readFileSync } = await import('node:fs');
    const manifest = JSON.parse(readFileSync(new URL('../../adapters/slack/manifest.json', import.meta.url), 'utf8')) as {
      features: { app_home: { home_tab_enabled: boolean } };
      settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean } };
    };
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toContain('app_home_opened');
    // Modals need interactivity (view_submission arrives on the same request URL), which /cop's buttons already use.
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });
});
