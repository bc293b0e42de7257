export const platforms = ['slack', 'discord', 'console'] as const;
export type Platform = (typeof platforms)[number];

/** A person on one platform workspace (Slack team, Discord guild, or the local console). */
export type UserRef = Readonly<{ platform: Platform; workspaceId: string; userId: string }>;

/** A channel on one platform workspace. */
export type ChannelRef = Readonly<{ platform: Platform; workspaceId: string; channelId: string }>;

/** An entry of WEAVER_ADMINS: admins are named per platform, in every workspace of it. */
export type AdminId = Readonly<{ platform: Platform; userId: string }>;

export function parseAdmins(value: string): { admins: AdminId[] } | { error: string } {
  const admins: AdminId[] = [];
  for (const entry of value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [platform, userId, extra] = entry.split(':');
    if (!isPlatform(platform) || !userId || extra !== undefined) {
      return { error: `has "${entry}"; each entry must be platform:userId, e.g. slack:U012AB3CD,discord:80351110224678912` };
    }
    admins.push({ platform, userId });
  }
  return { admins };
}

export function isPlatform(value: string | undefined): value is Platform {
  return (platforms as readonly (string | undefined)[]).includes(value);
}

export function formatUserKey(user: UserRef): string {
  return `${user.platform}:${user.workspaceId}:${user.userId}`;
}
