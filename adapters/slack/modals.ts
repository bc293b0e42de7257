import type { App, SlackViewAction, ViewOutput, types, webApi } from '@slack/bolt';
import type { AnyCommand, ArgSpec, CommandTable, RawArg } from '../../src/commands/define.js';
import { createContext, executeCommand } from '../../src/commands/run.js';
import { tokenize } from '../../src/commands/parse-text.js';
import type { Reply } from '../../src/kernel/reply.js';
import { renderPlainText } from '../../src/kernel/render-text.js';
import type { Services } from '../../src/storage/services.js';
import type { WorkTracker } from '../../src/kernel/work.js';
import { buildInvocation, type AdminLookup, type SlackActor } from './caller.js';
import { deliverReply } from './deliver.js';
import { slackErrorCode } from './slack-errors.js';

export const modalCallbackId = 'cop_form';
const valueActionId = 'value';
// Slack closes a view_submission that is not acknowledged within 3 s; a slower command answers after the form has closed.
const answerInFormWithinMs = 2_000;

/** A command that opens a form when typed with no arguments (or only the community). Goal add and pair join join here. */
export type ModalCommand = Readonly<{
  path: readonly string[];
  title: string;
  submit: string;
  /** Values the form starts with, once the community is known (the event's zone defaults to the community's). */
  initial?(services: Services, community: { timezone: string | null } | undefined): Record<string, string>;
}>;

export const modalCommands: readonly ModalCommand[] = [
  {
    path: ['event', 'create'],
    title: 'Create an event',
    submit: 'Create',
    initial: (services, community) => ({
      duration: '60',
      reminders: '1d,1h',
      timezone: community?.timezone ?? services.settings.defaultTimezone,
    }),
  },
  { path: ['goal', 'add'], title: 'Add a goal', submit: 'Add', initial: () => ({ target: '1', measure: 'manual' }) },
];

export type ModalDeps = Readonly<{
  services: Services;
  commands: CommandTable;
  isWorkspaceAdmin: AdminLookup;
  work: WorkTracker;
}>;

type Metadata = Readonly<{ path: string; channelId?: string; channelName?: string }>;

/**
 * When the line is a form command with no arguments (or only the community), opens its form with the trigger id of the
 * slash command and returns true; the command is then run when the form is submitted.
 */
export async function openFormFor(deps: ModalDeps, client: webApi.WebClient, actor: SlackActor, triggerId: string | undefined, line: string): Promise<boolean> {
  if (!triggerId) return false;
  const tokens = tokenize(line.replace(/^\s*\/cop\b/i, '')).tokens.map((token) => token.value);
  const found = deps.commands.find(tokens);
  const form = found && modalCommands.find((candidate) => candidate.path.join(' ') === found.command.path.join(' '));
  const rest = found ? tokens.slice(found.consumed) : [];
  if (!found || !form || rest.length > 1) return false;
  const { db } = deps.services;
  const community = rest[0] ? await db.selectFrom('community').selectAll().where('slug', '=', rest[0].toLowerCase()).executeTakeFirst() : undefined;
  const communities = await db.selectFrom('community').select(['slug', 'name']).where('status', '!=', 'closed').orderBy('name').limit(100).execute();
  const initial: Record<string, string> = { ...form.initial?.(deps.services, community), ...(community ? { community: community.slug } : {}) };
  const metadata: Metadata = { path: form.path.join(' '), channelId: actor.channelId, channelName: actor.channelName };
  try {
    await client.views.open({ trigger_id: triggerId, view: buildForm(found.command, form, communities, initial, metadata) });
  } catch (error) {
    deps.services.log.warn({ slackError: slackErrorCode(error), user: actor.userId }, 'views.open failed; answering the command as typed');
    return false;
  }
  return true;
}

/** A modal from a command's own argument specs: one input per argument, optional ones marked so. */
export function buildForm(
  command: AnyCommand,
  form: ModalCommand,
  communities: readonly { slug: string; name: string }[],
  initial: Record<string, string>,
  metadata: Metadata,
): types.ModalView {
  const blocks: types.InputBlock[] = Object.entries(command.args).map(([name, spec]) => ({
    type: 'input',
    block_id: name,
    optional: !spec.required,
    label: { type: 'plain_text', text: labelOf(name) },
    hint: { type: 'plain_text', text: spec.description.slice(0, 2000) },
    element: elementFor(spec, communities, initial[name]),
  }));
  return {
    type: 'modal',
    callback_id: modalCallbackId,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: form.title.slice(0, 24) },
    submit: { type: 'plain_text', text: form.submit.slice(0, 24) },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

function elementFor(spec: ArgSpec<unknown>, communities: readonly { slug: string; name: string }[], initial: string | undefined): types.InputBlock['element'] {
  const option = (value: string, text: string) => ({ text: { type: 'plain_text' as const, text: text.slice(0, 75) }, value });
  if (spec.autocomplete === 'community' || spec.choices) {
    const options = spec.choices ? spec.choices.map((choice) => option(choice, choice)) : communities.map((c) => option(c.slug, `${c.name} (${c.slug})`));
    const selected = options.find((candidate) => candidate.value === initial);
    return { type: 'static_select', action_id: valueActionId, options, ...(selected ? { initial_option: selected } : {}) };
  }
  if (spec.input === 'date') return { type: 'datepicker', action_id: valueActionId, ...(initial ? { initial_date: initial } : {}) };
  if (spec.input === 'time') return { type: 'timepicker', action_id: valueActionId, ...(initial ? { initial_time: initial } : {}) };
  if (spec.kind === 'integer')
    return { type: 'number_input', action_id: valueActionId, is_decimal_allowed: false, ...(initial ? { initial_value: initial } : {}) };
  return { type: 'plain_text_input', action_id: valueActionId, ...(initial ? { initial_value: initial } : {}) };
}

function labelOf(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The values of a submitted form, by argument name, as the command's text arguments; empty fields are left out. */
export function readForm(view: ViewOutput): Record<string, RawArg> {
  const raw: Record<string, RawArg> = {};
  for (const [name, actions] of Object.entries(view.state.values)) {
    const input = actions[valueActionId];
    const value = input?.selected_option?.value ?? input?.selected_date ?? input?.selected_time ?? input?.value;
    if (typeof value === 'string' && value.trim() !== '') raw[name] = value;
  }
  return raw;
}

/** Submitting a form runs its command through the same handler as typing it; what is wrong is shown in the form's fields. */
export function registerModals(app: App, deps: ModalDeps): void {
  app.view<SlackViewAction>(modalCallbackId, ({ ack, body, view, client }) =>
    deps.work.track(
      (async () => {
        const metadata = JSON.parse(view.private_metadata || '{}') as Metadata;
        const found = deps.commands.find((metadata.path ?? '').split(' '));
        if (!found) return void (await ack());
        const command = found.command;
        const actor: SlackActor = {
          teamId: body.team?.id ?? body.user.team_id ?? '',
          userId: body.user.id,
          userName: body.user.name,
          channelId: metadata.channelId,
          channelName: metadata.channelName,
        };
        const invocation = buildInvocation(actor, await deps.isWorkspaceAdmin(actor.teamId, actor.userId));
        const raw = readForm(view);
        const ctx = createContext(deps.services, deps.commands, invocation);
        const errors: Record<string, string> = {};
        for (const [name, spec] of Object.entries(command.args)) {
          if (raw[name] === undefined) continue;
          const parsed = await spec.parse(raw[name], ctx);
          if (!parsed.ok) errors[name] = parsed.problem;
        }
        if (Object.keys(errors).length) return void (await ack({ response_action: 'errors', errors }));

        const running = executeCommand(deps.services, deps.commands, invocation, command, raw);
        const early = await Promise.race([running, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), answerInFormWithinMs).unref())]);
        if (early?.refusal) return void (await ack({ response_action: 'errors', errors: { [fieldOfRefusal(command, raw, early)]: withoutUsage(early) } }));
        await ack();
        const reply = early ?? (await running);
        await deliverReply({ client, log: deps.services.log, userId: actor.userId, channelId: invocation.channel?.channelId }, reply);
      })(),
    ),
  );
}

// A refusal after every field parsed (a time already past, no rights) is shown at the field it quotes, or at the date.
function fieldOfRefusal(command: AnyCommand, raw: Record<string, RawArg>, reply: Reply): string {
  const text = renderPlainText(reply);
  const names = Object.keys(command.args);
  return (
    names.find((name) => typeof raw[name] === 'string' && text.includes(`“${String(raw[name])}”`)) ??
    names.find((name) => command.args[name]!.input === 'date') ??
    names[0]!
  );
}

function withoutUsage(reply: Reply): string {
  return renderPlainText(reply)
    .replace(/\s*Usage: .*$/s, '')
    .slice(0, 500);
}
