import { coordinator, create, info, link, list, set } from './community-commands.js';
import { ask } from './ask-command.js';
import { createCommandTable } from './define.js';
import { search, who } from './harvest-commands.js';
import { help } from './help.js';
import { join, leave, members, mine } from './membership-commands.js';
import { share } from './practice-commands.js';
import { eventCancel, eventCreate, events, meReminders, rsvp } from './event-commands.js';
import { forget, privacy } from './privacy-commands.js';
import { goalAdd, goalClose, goalList, goalLog } from './goal-commands.js';
import { digest, exportCommand, stats } from './report-commands.js';
import { promptAdd, promptList, promptNow, rhythm } from './rhythm-commands.js';

// Every /cop subcommand, in the order help lists them. Text parsing, Discord registration and help all come from here.
export const commands = createCommandTable([
  help,
  list,
  info,
  join,
  leave,
  mine,
  members,
  share,
  ask,
  search,
  who,
  events,
  rsvp,
  goalList,
  goalLog,
  digest,
  stats,
  meReminders,
  privacy,
  forget,
  create,
  set,
  link,
  coordinator,
  rhythm,
  promptAdd,
  promptList,
  promptNow,
  eventCreate,
  eventCancel,
  exportCommand,
  goalAdd,
  goalClose,
]);
