import type { ChannelRef, Platform, UserRef } from '../kernel/identity.js';

// Every table that names a channel or a person does it with the same three columns; these are the one way to
// write and match them: `.values({ ...channelColumns(channel), … })`, `.where((eb) => eb.and(channelColumns(channel)))`.

export type ChannelColumns = Readonly<{ platform: Platform; workspace_id: string; channel_id: string }>;
export type UserColumns = Readonly<{ platform: Platform; workspace_id: string; user_id: string }>;

export function channelColumns(channel: ChannelRef): ChannelColumns {
  return { platform: channel.platform, workspace_id: channel.workspaceId, channel_id: channel.channelId };
}

export function userColumns(user: UserRef): UserColumns {
  return { platform: user.platform, workspace_id: user.workspaceId, user_id: user.userId };
}

/** The same columns named with their table, for queries that join: `qualified('home_channel', channelColumns(c))`. */
export function qualified<T extends string, C extends object>(table: T, columns: C): { [K in keyof C & string as `${T}.${K}`]: C[K] } {
  return Object.fromEntries(Object.entries(columns).map(([name, value]) => [`${table}.${name}`, value])) as { [K in keyof C & string as `${T}.${K}`]: C[K] };
}

export function channelRefOf(row: ChannelColumns): ChannelRef {
  return { platform: row.platform, workspaceId: row.workspace_id, channelId: row.channel_id };
}

export function userRefOf(row: UserColumns): UserRef {
  return { platform: row.platform, workspaceId: row.workspace_id, userId: row.user_id };
}
