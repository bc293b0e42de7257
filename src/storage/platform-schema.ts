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

export interface PlatformTables {
  bot_state: BotStateTable;
  slack_event: SlackEventTable;
}
