import type { Migration } from 'kysely';
import * as foundation from './2026-11-23-01-foundation.js';
import * as practice from './2026-11-23-02-practice.js';
import * as slackEvents from './2026-11-23-03-slack-events.js';
import * as discord from './2026-11-23-04-discord.js';
import * as outbox from './2026-11-23-05-outbox.js';
import * as rhythms from './2026-11-23-06-rhythms.js';
import * as events from './2026-11-23-07-events.js';
import * as harvest from './2026-11-23-10-harvest.js';
import * as outboxLookup from './2026-11-23-11-outbox-lookup.js';
import * as digestDue from './2026-11-23-12-digest-due.js';
import * as pairing from './2026-12-02-01-pairing.js';
import * as goals from './2026-12-02-02-goals.js';
import * as native from './2026-12-02-06-native.js';
import * as networks from './2026-12-02-03-networks.js';
import * as web from './2026-12-02-04-web.js';
import * as slackInstallations from './2026-12-02-05-slack-installations.js';
import * as outboxSends from './2026-12-02-07-outbox-sends.js';
import * as directMessageChannels from './2026-12-02-08-direct-message-channels.js';
import * as searchShortest from './2026-12-03-01-search-shortest.js';

// Listed by hand, in order: a migration added here is applied at the next start and by `npm run migrate`.
export const migrations: Record<string, Migration> = {
  '2026-11-23-01-foundation': foundation,
  '2026-11-23-02-practice': practice,
  '2026-11-23-03-slack-events': slackEvents,
  '2026-11-23-04-discord': discord,
  '2026-11-23-05-outbox': outbox,
  '2026-11-23-06-rhythms': rhythms,
  '2026-11-23-07-events': events,
  '2026-11-23-10-harvest': harvest,
  '2026-11-23-11-outbox-lookup': outboxLookup,
  '2026-11-23-12-digest-due': digestDue,
  '2026-12-02-01-pairing': pairing,
  '2026-12-02-02-goals': goals,
  '2026-12-02-03-networks': networks,
  '2026-12-02-04-web': web,
  '2026-12-02-05-slack-installations': slackInstallations,
  '2026-12-02-06-native': native,
  '2026-12-02-07-outbox-sends': outboxSends,
  '2026-12-02-08-direct-message-channels': directMessageChannels,
  '2026-12-03-01-search-shortest': searchShortest,
};
