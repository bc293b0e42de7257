import { ids, memberPayload, snowflakes, userPayload, type Person } from './discord-world.js';

// Interaction payloads shaped as Discord documents them (Interactions, "Receiving and Responding").

export type OptionValue = string | number | { user: Person };
/** Where an interaction happens; `parentId` makes the channel a public thread of that channel. */
type Where = { channelId?: string; channelName?: string; parentId?: string };

function base(person: Person, type: number, where: Where) {
  const channelId = where.channelId ?? ids.homeChannel;
  return {
    id: snowflakes.next(),
    application_id: ids.application,
    type,
    token: `interaction-token-${snowflakes.next()}`,
    version: 1,
    guild_id: ids.guild,
    guild: { id: ids.guild, locale: 'en-GB', features: [] },
    channel_id: channelId,
    channel: {
      id: channelId,
      type: where.parentId ? 11 : 0,
      guild_id: ids.guild,
      name: where.channelName ?? 'outreach',
      permissions: '2248473465835073',
      ...(where.parentId
        ? {
            parent_id: where.parentId,
            thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: '2026-11-23T10:00:00.000Z', locked: false },
          }
        : {}),
    },
    member: memberPayload(person),
    app_permissions: '2248473465835073',
    locale: 'en-GB',
    guild_locale: 'en-GB',
    entitlements: [],
    authorizing_integration_owners: { '0': ids.guild },
    context: 0,
    attachment_size_limit: 10485760,
  };
}

function optionsPayload(options: Record<string, OptionValue>, focused?: string) {
  return Object.entries(options).map(([name, value]) => {
    if (typeof value === 'object') return { type: 6, name, value: value.user.id };
    return { type: typeof value === 'number' ? 4 : 3, name, value, ...(name === focused ? { focused: true } : {}) };
  });
}

function resolvedUsers(options: Record<string, OptionValue>) {
  const users = Object.values(options).flatMap((value) => (typeof value === 'object' ? [value.user] : []));
  if (users.length === 0) return undefined;
  const { user: _user, ...member } = memberPayload(users[0]!);
  return {
    users: Object.fromEntries(users.map((u) => [u.id, userPayload(u)])),
    members: Object.fromEntries(users.map((u) => [u.id, { ...member, permissions: memberPayload(u).permissions }])),
  };
}

/** `/cop <path…>` with typed options: a subcommand, or a group and a subcommand. */
export function slashCommand(
  person: Person,
  path: readonly string[],
  options: Record<string, OptionValue> = {},
  where: Where = {},
  type = 2,
  focused?: string,
) {
  const leaf = { type: 1, name: path[path.length - 1]!, options: optionsPayload(options, focused) };
  const top = path.length === 2 ? { type: 2, name: path[0]!, options: [leaf] } : leaf;
  const resolved = resolvedUsers(options);
  return {
    ...base(person, type, where),
    data: { id: ids.application.replace(/1$/, '9'), name: 'cop', type: 1, options: [top], ...(resolved ? { resolved } : {}) },
  };
}

/** The autocomplete request Discord sends while `focused` is being typed. */
export function autocomplete(person: Person, path: readonly string[], options: Record<string, OptionValue>, focused: string) {
  return slashCommand(person, path, options, {}, 4, focused);
}

/** A message as the gateway and REST send it. */
export function messagePayload(author: Person | { id: string; username: string; bot: true }, content: string, extra: Record<string, unknown> = {}) {
  return {
    id: snowflakes.next(),
    channel_id: ids.homeChannel,
    guild_id: ids.guild,
    author: 'bot' in author ? { ...author, discriminator: '0', global_name: null, avatar: null } : userPayload(author),
    content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    components: [],
    pinned: false,
    type: 0,
    flags: 0,
    ...extra,
  };
}

/** A member's message as MESSAGE_CREATE sends it in a server: with the author's member object. */
export function memberMessage(person: Person, content: string, channelId: string, extra: Record<string, unknown> = {}) {
  const { user: _user, permissions: _permissions, ...member } = memberPayload(person);
  return { ...messagePayload(person, content, { channel_id: channelId }), member, ...extra };
}

/** A click on a button of a message the bot posted. */
export function buttonClick(person: Person, customId: string, message: Record<string, unknown>) {
  return { ...base(person, 3, {}), message, data: { custom_id: customId, component_type: 2 } };
}

/** The "Harvest answer" message context-menu command on `message`; `parentId` when the message is in a thread of that channel. */
export function harvestAnswer(person: Person, message: Record<string, unknown> & { id: string; channel_id: string }, parentId?: string) {
  return {
    ...base(person, 2, { channelId: message.channel_id, parentId }),
    data: { id: snowflakes.next(), name: 'Harvest answer', type: 3, target_id: message.id, resolved: { messages: { [message.id]: message } } },
  };
}
