import { ensureMember } from '../communities/members.js';
import { findCommunityById, isCoordinator } from '../communities/communities.js';
import { apologize, refuse, type Reply } from '../kernel/reply.js';
import type { Member } from '../storage/schema.js';
import { usageOf, type AnyCommand, type CommandContext, type CommandTable, type Invocation, type RawArg } from './define.js';
import type { Services } from '../storage/services.js';
import { bindArguments, tokenize } from './parse-text.js';

// Line breaks and tabs are text; other control characters are never what a person meant to type.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlCharacters = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Runs a line as typed on Slack or the console: `join outreach tier:core`, with or without a leading `/cop`. */
export async function executeText(services: Services, table: CommandTable, invocation: Invocation, text: string): Promise<Reply> {
  const line = text.replace(/^\s*\/cop\b/i, '');
  if (controlCharacters.test(line)) {
    return refuse('BadInput', 'Your command contains control characters; type it as plain text. Usage: /cop help');
  }
  const { tokens, unclosedQuote } = tokenize(line);
  if (tokens.length === 0) return executeCommand(services, table, invocation, table.find(['help'])!.command, {});

  const found = table.find(tokens.map((token) => token.value));
  if (!found) {
    const word = tokens[0]!.value.slice(0, 40);
    const group = table.groups().get(word.toLowerCase());
    if (group) {
      return refuse('BadInput', `“${word}” needs one of: ${group.map((command) => command.path[1]).join(', ')}. Usage: ${group.map(usageOf).join(' or ')}`);
    }
    return refuse('UnknownCommand', `“${word}” is not a Weaver command; /cop help lists them all.`);
  }
  const bound = bindArguments(found.command, line, tokens.slice(found.consumed), unclosedQuote);
  if (!bound.ok) return refuse('BadInput', `${bound.problem} Usage: ${usageOf(found.command)}`);
  return executeCommand(services, table, invocation, found.command, bound.raw);
}

/** Runs one command with its raw arguments (from text, or Discord's typed options): parse, check access, handle. */
export async function executeCommand(
  services: Services,
  table: CommandTable,
  invocation: Invocation,
  command: AnyCommand,
  raw: Readonly<Record<string, RawArg | undefined>>,
): Promise<Reply> {
  const ctx = createContext(services, table, invocation);
  const usage = usageOf(command);
  try {
    const values: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(command.args)) {
      const input = raw[name];
      if (input === undefined) {
        if (spec.required) return refuse('BadInput', `<${name}> is missing. Usage: ${usage}`);
        values[name] = spec.defaultValue;
        continue;
      }
      if (typeof input === 'string' && controlCharacters.test(input)) {
        return refuse('BadInput', `<${name}> contains control characters; type it as plain text. Usage: ${usage}`);
      }
      const parsed = await spec.parse(input, ctx);
      if (!parsed.ok) return refuse('BadInput', `${parsed.problem} Usage: ${usage}`);
      values[name] = parsed.value;
    }
    const denied = await checkAccess(ctx, command, values);
    if (denied) return denied;
    return await command.run(ctx, values);
  } catch (error) {
    services.log.error({ command: command.path.join(' '), user: invocation.caller.user, err: error }, 'command failed');
    return apologize(`/cop ${command.path.join(' ')}`);
  }
}

export function createContext(services: Services, table: CommandTable, invocation: Invocation): CommandContext {
  let member: Promise<Member> | undefined;
  const { caller } = invocation;
  return {
    ...services,
    ...invocation,
    commands: table,
    callerMember: () => (member ??= ensureMember(services.db, caller.user, caller.name, services.clock.now())),
    isAdmin: () =>
      caller.isPlatformAdmin || services.settings.admins.some((admin) => admin.platform === caller.user.platform && admin.userId === caller.user.userId),
  };
}

async function checkAccess(ctx: CommandContext, command: AnyCommand, values: Record<string, unknown>): Promise<Reply | undefined> {
  if (command.access === 'everyone' || ctx.isAdmin()) return undefined;
  const name = `/cop ${command.path.join(' ')}`;
  if (command.access === 'admin') return refuse('NotAllowed', `Only Weaver admins can use ${name}.`);
  const communityId = Object.entries(command.args)
    .map(([argName, spec]) => {
      const value = values[argName];
      return value === undefined || value === null ? undefined : spec.communityOf?.(value);
    })
    .find((id) => id !== undefined);
  const community = communityId === undefined ? undefined : await findCommunityById(ctx.db, communityId);
  if (community && (await isCoordinator(ctx.db, community.id, (await ctx.callerMember()).id))) return undefined;
  const network = community?.network_id == null ? undefined : await findCommunityById(ctx.db, community.network_id);
  const whose = network ? `${community!.slug} or of its network ${network.slug}` : (community?.slug ?? 'the community');
  return refuse('NotAllowed', `Only coordinators of ${whose} and admins can use ${name}.`);
}
