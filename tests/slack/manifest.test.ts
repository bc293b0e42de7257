import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { eventsPath } from '../../adapters/slack/index.js';
import { harvestCallbackId } from '../../adapters/slack/interactions.js';

type Manifest = {
  features: {
    slash_commands: { command: string; url: string; should_escape: boolean }[];
    shortcuts: { name: string; type: string; callback_id: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string } };
};

const manifest = JSON.parse(readFileSync(new URL('../../adapters/slack/manifest.json', import.meta.url), 'utf8')) as Manifest;

// Each Web API method the adapter calls, and the bot scope Slack requires for it.
const scopeOfMethod: Record<string, string> = {
  'chat.postMessage': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.update': 'chat:write',
  'users.info': 'users:read',
  'conversations.info (public)': 'channels:read',
  'conversations.info (private)': 'groups:read',
  'conversations.join': 'channels:join',
  'conversations.open': 'im:write',
  // The outbox looks for a post whose send was never answered in the conversation's history, by its metadata.
  'conversations.history (public)': 'channels:history',
  'conversations.history (private)': 'groups:history',
  'conversations.history (direct message)': 'im:history',
  // A peer-exchange introduction is looked for in its group DM.
  'conversations.history (group direct message)': 'mpim:history',
  'conversations.replies (public)': 'channels:history',
  'conversations.replies (private)': 'groups:history',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
};

describe('the Slack app manifest', () => {
  test('declares /cop with escaping of users and channels, on the one request URL', () => {
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({ command: '/cop', should_escape: true, url: expect.stringMatching(new RegExp(`${eventsPath}$`)) }),
    ]);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: manifest.features.slash_commands[0]!.url });
    expect(manifest.settings.event_subscriptions.request_url).toBe(manifest.features.slash_commands[0]!.url);
  });

  test('declares the Harvest answer message shortcut with the callback id the adapter listens for', () => {
    expect(manifest.features.shortcuts).toEqual([expect.objectContaining({ name: 'Harvest answer', type: 'message', callback_id: harvestCallbackId })]);
  });

  test('subscribes to messages in public and private channels and to reactions, with the scopes they need', () => {
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(['message.channels', 'message.groups', 'reaction_added']));
    expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(['channels:history', 'groups:history', 'reactions:read', 'commands']));
  });

  test.each(Object.entries(scopeOfMethod))('grants the scope %s needs', (_method, scope) => {
    expect(manifest.oauth_config.scopes.bot).toContain(scope);
  });
});
