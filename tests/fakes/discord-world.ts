// The one server the fake Discord hosts: its ids, channels, roles and people. Snowflakes are 19 digits, as real ones are.

export const ids = {
  application: '1180000000000000001',
  bot: '1180000000000000001',
  guild: '1180000000000000100',
  botRole: '1180000000000000101',
  homeChannel: '1180000000000000200',
  generalChannel: '1180000000000000201',
  /** A channel whose permission overwrites hide it from the bot. */
  staffChannel: '1180000000000000202',
  /** A channel where the bot may post but not embed links or start threads. */
  announcementsChannel: '1180000000000000203',
  owner: '1180000000000000300',
  ann: '1180000000000000301',
  bob: '1180000000000000302',
  carol: '1180000000000000303',
  dave: '1180000000000000304',
} as const;

// Like Discord's: milliseconds since the Discord epoch (2015) in the high bits, so that ids tell their creation time.
const discordEpoch = 1420070400000n;
let increment = 0n;
export const snowflakes = { next: (): string => String(((BigInt(Date.now()) - discordEpoch) << 22n) | (++increment & 0xfffn)) };

/** Permission bits, from Discord's documentation (Permissions, "Bitwise Permission Flags"). */
export const bits = {
  addReactions: 1n << 6n,
  manageGuild: 1n << 5n,
  viewChannel: 1n << 10n,
  sendMessages: 1n << 11n,
  embedLinks: 1n << 14n,
  attachFiles: 1n << 15n,
  readMessageHistory: 1n << 16n,
  useApplicationCommands: 1n << 31n,
  createPublicThreads: 1n << 35n,
  sendMessagesInThreads: 1n << 38n,
  manageEvents: 1n << 33n,
  createEvents: 1n << 44n,
};

export const memberPermissions =
  bits.viewChannel |
  bits.sendMessages |
  bits.embedLinks |
  bits.attachFiles |
  bits.readMessageHistory |
  bits.addReactions |
  bits.useApplicationCommands |
  bits.sendMessagesInThreads |
  bits.createPublicThreads;
export const managerPermissions = memberPermissions | bits.manageGuild;

export const botUser = { id: ids.bot, username: 'Weaver', discriminator: '0', global_name: null, avatar: null, bot: true, flags: 0 };

export type FakeChannel = {
  id: string;
  type: number;
  name: string | null;
  /** The fake refuses the bot here with 403 Missing Access, as Discord does when overwrites hide a channel. */
  botDenied?: boolean;
  messages: (Record<string, unknown> & { id: string })[];
  [key: string]: unknown;
};

export type Person = { id: string; username: string; manager: boolean };
export const people = {
  owner: { id: ids.owner, username: 'olivia', manager: true },
  ann: { id: ids.ann, username: 'ann', manager: false },
  bob: { id: ids.bob, username: 'bob', manager: false },
  carol: { id: ids.carol, username: 'carol', manager: false },
  dave: { id: ids.dave, username: 'dave', manager: false },
} satisfies Record<string, Person>;

export function userPayload(person: Person) {
  return { id: person.id, username: person.username, discriminator: '0', global_name: capitalize(person.username), avatar: null, public_flags: 0 };
}

export function memberPayload(person: Person) {
  return {
    user: userPayload(person),
    nick: null,
    roles: [],
    joined_at: '2026-01-05T09:00:00.000000+00:00',
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    permissions: String(person.manager ? managerPermissions : memberPermissions),
  };
}

function textChannel(id: string, name: string, position: number, overwrites: unknown[] = []) {
  return {
    id,
    type: 0,
    guild_id: ids.guild,
    name,
    position,
    parent_id: null,
    topic: null,
    nsfw: false,
    rate_limit_per_user: 0,
    last_message_id: null,
    permission_overwrites: overwrites,
  };
}

/** The server; `botPermissions` are those of the bot's managed role (what the invite link granted). */
export function createGuildPayload(botPermissions: bigint = memberPermissions) {
  const hidden = { type: 0, allow: '0', deny: String(bits.viewChannel) };
  return {
    id: ids.guild,
    name: 'Makers Guild',
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: ids.owner,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 1,
    default_message_notifications: 1,
    explicit_content_filter: 0,
    mfa_level: 0,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: 0,
    preferred_locale: 'en-GB',
    public_updates_channel_id: null,
    nsfw_level: 0,
    premium_progress_bar_enabled: false,
    features: [],
    emojis: [],
    stickers: [],
    roles: [
      {
        id: ids.guild,
        name: '@everyone',
        permissions: String(memberPermissions),
        position: 0,
        color: 0,
        hoist: false,
        managed: false,
        mentionable: false,
        flags: 0,
        icon: null,
        unicode_emoji: null,
      },
      {
        id: ids.botRole,
        name: 'Weaver',
        permissions: String(botPermissions),
        position: 1,
        color: 0,
        hoist: false,
        managed: true,
        mentionable: false,
        flags: 0,
        icon: null,
        unicode_emoji: null,
        tags: { bot_id: ids.bot },
      },
    ],
    joined_at: '2026-01-05T09:00:00.000000+00:00',
    large: false,
    unavailable: false,
    member_count: 4,
    voice_states: [],
    members: [
      {
        user: { ...userPayload({ id: ids.bot, username: 'Weaver', manager: false }), bot: true },
        nick: null,
        roles: [ids.botRole],
        joined_at: '2026-01-05T09:00:00.000000+00:00',
        deaf: false,
        mute: false,
        flags: 0,
      },
    ],
    channels: [
      textChannel(ids.homeChannel, 'outreach', 0),
      textChannel(ids.generalChannel, 'general', 1),
      {
        ...textChannel(ids.staffChannel, 'staff', 2, [
          { id: ids.guild, ...hidden },
          { id: ids.botRole, ...hidden },
        ]),
        botDenied: true,
      },
      textChannel(ids.announcementsChannel, 'announcements', 3, [
        { id: ids.botRole, type: 0, allow: '0', deny: String(bits.embedLinks | bits.createPublicThreads) },
      ]),
    ],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
