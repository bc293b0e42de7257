import { isValidTimeZone } from '../kernel/time.js';
import { findCommunityBySlug } from '../communities/communities.js';
import { communitiesOfNetwork, isNetwork } from '../networks/networks.js';
import type { Community } from '../storage/schema.js';
import type { ArgSpec, Parsed, RawArg } from './define.js';

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const problem = (text: string): Parsed<never> => ({ ok: false, problem: text });

function asString(raw: RawArg): string | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number') return String(raw);
  return undefined;
}

/** The typed text of an argument, trimmed; empty for a value that is not text (a Discord user). */
export const asText = (raw: RawArg): string => asString(raw)?.trim() ?? '';

export function text(description: string, limits: { max?: number; label?: string } = {}): ArgSpec<string> {
  const max = limits.max ?? 4000;
  const label = limits.label ?? 'The text';
  return {
    kind: 'string',
    description,
    required: true,
    rest: true,
    parse(raw) {
      const value = asString(raw)?.trim();
      if (!value) return problem(`${label} is empty.`);
      if (value.length > max) return problem(`${label} is ${value.length} characters long; the limit is ${max}.`);
      return ok(value);
    },
  };
}

export function choice<const C extends readonly string[]>(choices: C, description: string): ArgSpec<C[number]> {
  return {
    kind: 'string',
    description,
    required: true,
    choices,
    parse(raw) {
      const value = asString(raw)?.trim().toLowerCase();
      const found = choices.find((option) => option === value);
      return found ? ok(found) : problem(`“${asString(raw) ?? ''}” is not one of ${choices.join(', ')}.`);
    },
  };
}

export function integer(description: string, range: { min: number; max: number; label: string }): ArgSpec<number> {
  return {
    kind: 'integer',
    description,
    required: true,
    parse(raw) {
      const textValue = asString(raw)?.trim().replace(/^#/, '') ?? '';
      const value = /^-?\d{1,15}$/.test(textValue) ? Number(textValue) : Number.NaN;
      if (!Number.isInteger(value) || value < range.min || value > range.max) {
        return problem(`${range.label} must be a whole number from ${range.min} to ${range.max}.`);
      }
      return ok(value);
    },
  };
}

export type UserArg = Readonly<{ userId: string; name?: string }>;

// Slack escapes mentions as <@U123|ann> (or <@U123>); Discord as <@123> or <@!123>; the console takes a plain name.
const mentionPattern = /^<@!?([A-Za-z0-9]+)(?:\|([^>]*))?>$/;

export function user(description: string): ArgSpec<UserArg> {
  return {
    kind: 'user',
    description,
    required: true,
    parse(raw, ctx) {
      if (typeof raw === 'object') return ok(raw);
      const value = String(raw).trim();
      const mentioned = mentionPattern.exec(value);
      if (mentioned) return ok({ userId: mentioned[1]!, name: mentioned[2] || undefined });
      // Only the console knows people by name; on a platform a bare word would make up a member who is not there.
      const plain = value.replace(/^@/, '');
      if (ctx.caller.user.platform === 'console' && /^[\w.-]{1,64}$/.test(plain)) return ok({ userId: plain, name: plain });
      return problem(`“${value.slice(0, 40)}” is not a user; mention them, like @ann.`);
    },
  };
}

export const slugPattern = /^[a-z0-9-]{2,32}$/;

export function slug(description: string): ArgSpec<string> {
  return {
    kind: 'string',
    description,
    required: true,
    parse(raw) {
      const value = asString(raw)?.trim() ?? '';
      return slugPattern.test(value) ? ok(value) : problem(`“${value.slice(0, 40)}” is not a valid slug: use 2 to 32 characters of a-z, 0-9 and -.`);
    },
  };
}

/**
 * A community's slug, looked up: handlers receive the community itself. A network is taken only where the command
 * says it covers one (`networks: 'allow'`); elsewhere the answer names the network's communities.
 */
export function community(description = 'the community, by its slug', options: { networks?: 'allow' } = {}): ArgSpec<Community> {
  return {
    kind: 'string',
    description,
    required: true,
    autocomplete: 'community',
    communityOf: (found) => found.id,
    async parse(raw, ctx) {
      const value = asString(raw)?.trim().toLowerCase() ?? '';
      const found = slugPattern.test(value) ? await findCommunityBySlug(ctx.db, value) : undefined;
      if (!found) return problem(`There is no community “${value.slice(0, 40)}”; /cop list shows them all.`);
      if (isNetwork(found) && options.networks !== 'allow') {
        const members = await communitiesOfNetwork(ctx.db, found.id);
        const names = members.map((c) => `${c.slug} (${c.name})`).join(', ');
        return problem(
          members.length
            ? `${found.slug} is a network, not a community: people join its communities, ${names}. Give one of them.`
            : `${found.slug} is a network, not a community, and has no communities yet; a coordinator adds one with /cop set <community> network ${found.slug}.`,
        );
      }
      return ok(found);
    },
  };
}

/** A community or a network, for commands that cover all of a network's communities. */
export const communityOrNetwork = (description = 'the community or network') => community(description, { networks: 'allow' });

export function timezone(description: string): ArgSpec<string> {
  return {
    kind: 'string',
    description,
    required: true,
    parse(raw) {
      const value = asString(raw)?.trim() ?? '';
      return isValidTimeZone(value) ? ok(value) : problem(`“${value.slice(0, 40)}” is not an IANA time zone such as Europe/London.`);
    },
  };
}

/** An optional argument typed in its place rather than as `name:value`, like help's `[command]`. */
export function optionalPositional<T>(spec: ArgSpec<T>): ArgSpec<T | undefined> {
  return { ...spec, required: false, positional: true };
}

/** Makes an argument an option (`name:value`), undefined when it is left out. */
export function optional<T>(spec: ArgSpec<T>, placeholder?: string): ArgSpec<T | undefined> {
  return { ...spec, required: false, placeholder };
}

/** Makes an argument an option (`name:value`) that takes `fallback` when it is left out. */
export function withDefault<T>(spec: ArgSpec<T>, fallback: T, placeholder?: string): ArgSpec<T> {
  return { ...spec, required: false, placeholder, defaultValue: fallback };
}
