import { OAuth2Scopes, PermissionFlagsBits } from 'discord.js';

/** What Weaver does with each permission it asks for when invited; the README says the same to server owners. */
export const botPermissions = [
  [PermissionFlagsBits.ViewChannel, 'View Channels', 'see the home channels and the threads in them'],
  [PermissionFlagsBits.SendMessages, 'Send Messages', 'post prompts, questions, events, reminders and digests'],
  [PermissionFlagsBits.SendMessagesInThreads, 'Send Messages in Threads', 'answer inside question and prompt threads'],
  [PermissionFlagsBits.CreatePublicThreads, 'Create Public Threads', 'open a thread on each question and prompt'],
  [PermissionFlagsBits.CreatePrivateThreads, 'Create Private Threads', 'introduce each peer-exchange group in a private thread of the home channel'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links', 'show answers as embeds'],
  [PermissionFlagsBits.AttachFiles, 'Attach Files', 'attach exports and calendar files'],
  [PermissionFlagsBits.ReadMessageHistory, 'Read Message History', 'read the question a reply thread starts from, to name the thread after it'],
  [PermissionFlagsBits.CreateEvents, 'Create Events', 'show each event in the server’s Events tab, and cancel or edit it there'],
] as const;

export function botPermissionBits(): bigint {
  return botPermissions.reduce((all, [bit]) => all | bit, 0n);
}

/** The URL a server owner opens to add Weaver, with the bot and slash-command scopes and exactly these permissions. */
export function buildInviteUrl(applicationId: string): string {
  const params = new URLSearchParams({
    client_id: applicationId,
    scope: [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands].join(' '),
    permissions: String(botPermissionBits()),
  });
  return `https://discord.com/oauth2/authorize?${params.toString().replace(/\+/g, '%20')}`;
}
