import type { Platform } from '../kernel/identity.js';

// Small tables the adapters keep: settings the bot itself stores, and Slack event ids seen (retries are no-ops).

export interface BotStateTable {
  key: string;
  value: string;
  updated_at: number;
}

export interface SlackEventTable {
  event_id: string;
  received_at: number;
}

/** A person's direct-message channel with the bot, remembered once opened (see direct-message-channels.ts). */
export interface DirectMessageChannelTable {
  platform: Platform;
  workspace_id: string;
  user_id: string;
  channel_id: string;
  opened_at: number;
}

export interface PlatformTables {
  bot_state: BotStateTable;
  slack_event: SlackEventTable;
  direct_message_channel: DirectMessageChannelTable;
}
