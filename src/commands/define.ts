import type { ChannelRef, UserRef } from '../kernel/identity.js';
import type { Reply } from '../kernel/reply.js';
import type { Member } from '../storage/schema.js';
import type { Services } from '../storage/services.js';

/** Who is asking, as the adapter saw them. */
export type Caller = Readonly<{
  user: UserRef;
  name?: string;
  /** Slack workspace admin or owner, Discord Manage Server: what the platform itself says. */
  isPlatformAdmin: boolean;
}>;

export type Invocation = Readonly<{
  caller: Caller;
  /** Where the command was typed; absent in a direct message or where the platform does not say. */
  channel?: ChannelRef & { name?: string };
}>;
export type CommandContext = Services &
  Invocation & {
    /** The caller's member row, created on first use. */
    callerMember(): Promise<Member>;
    isAdmin(): boolean;
    commands: CommandTable;
  };

/** A value as it arrives from an adapter: command text gives strings, Discord typed options. */
export type RawArg = string | number | Readonly<{ userId: string; name?: string }>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

export type ArgKind = 'string' | 'integer' | 'user';

export interface ArgSpec<T> {
  readonly kind: ArgKind;
  readonly description: string;
  readonly required: boolean;
  readonly choices?: readonly string[];
  readonly autocomplete?: 'community';
  /** How the argument is shown in usage lines: `<community>`, `[tier:core|wider]`. */
  readonly placeholder?: string;
  /** Free text that, as the last argument in order, takes the rest of the line. */
  readonly rest?: boolean;
  /**
   * After free text in the middle of the line, how many of these last words (counted from the end) this argument
   * takes; 1 when absent. A date may take `next tue` (2) or nothing (0).
   */
  readonly tailWords?: (words: readonly string[]) => number;
  /** How a form (a Slack modal) asks for the value: a date picker, a time picker; plain text otherwise. */
  readonly input?: 'date' | 'time';
  /** An optional argument given in order rather than as `name:value`, like help's `[command]`. */
  readonly positional?: boolean;
  /** The community a parsed value belongs to, for the coordinator check: a community itself, an event's community. */
  communityOf?(value: NonNullable<T>): number;
  /** What an option that was left out stands for. */
  readonly defaultValue?: T;
  parse(raw: RawArg, ctx: CommandContext): Promise<Parsed<T>> | Parsed<T>;
}

export type ArgSpecs = Readonly<Record<string, ArgSpec<unknown>>>;
export type ArgValues<A extends ArgSpecs> = { [K in keyof A]: A[K] extends ArgSpec<infer T> ? T : never };

export type Access = 'everyone' | 'coordinator' | 'admin';

export interface CommandDef<A extends ArgSpecs = ArgSpecs> {
  /** One word, or two for a group: `['event', 'create']`. */
  readonly path: readonly [string] | readonly [string, string];
  /** Other text forms on Slack and the console, e.g. `forget-me` for `me forget`. */
  readonly aliases?: readonly (readonly string[])[];
  /** One line; also the Discord description, so at most 100 characters. */
  readonly summary: string;
  readonly details?: string;
  readonly examples: readonly string[];
  readonly access: Access;
  readonly args: A;
  run(ctx: CommandContext, args: ArgValues<A>): Promise<Reply>;
}

// The compiler checks each handler against its own arguments; the table holds them without that detail.
export type AnyCommand = CommandDef<ArgSpecs>;

export function defineCommand<const A extends ArgSpecs>(def: CommandDef<A>): AnyCommand {
  return def;
}

export type CommandTable = Readonly<{
  all: readonly AnyCommand[];
  find(words: readonly string[]): { command: AnyCommand; consumed: number } | undefined;
  groups(): ReadonlyMap<string, readonly AnyCommand[]>;
}>;

export function createCommandTable(all: readonly AnyCommand[]): CommandTable {
  const byText = new Map<string, AnyCommand>();
  for (const command of all) {
    for (const path of [command.path, ...(command.aliases ?? [])]) byText.set(path.join(' '), command);
  }
  return {
    all,
    find(words) {
      const [first, second] = words.map((word) => word.toLowerCase());
      if (first !== undefined && second !== undefined) {
        const pair = byText.get(`${first} ${second}`);
        if (pair) return { command: pair, consumed: 2 };
      }
      const single = first === undefined ? undefined : byText.get(first);
      return single ? { command: single, consumed: 1 } : undefined;
    },
    groups() {
      const groups = new Map<string, AnyCommand[]>();
      for (const command of all) {
        if (command.path.length === 2) groups.set(command.path[0], [...(groups.get(command.path[0]) ?? []), command]);
      }
      return groups;
    },
  };
}

export function usageOf(command: AnyCommand): string {
  const args = Object.entries(command.args).map(([name, spec]) => {
    if (spec.placeholder) return spec.placeholder;
    if (spec.positional) return `[${name}]`;
    const shape = spec.choices ? `${name}:${spec.choices.join('|')}` : spec.required ? name : `${name}:<${name}>`;
    return spec.required ? `<${shape}>` : `[${shape}]`;
  });
  return ['/cop', ...command.path, ...args].join(' ');
}
