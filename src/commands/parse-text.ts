import type { AnyCommand, RawArg } from './define.js';

export type Token = Readonly<{
  /** The token with its quotes removed. */
  value: string;
  start: number;
  end: number;
  /** The whole token was one quoted string. */
  quoted: boolean;
}>;

const openingQuotes = new Set(['"', '“', '”', '„']);
const closingQuotes = new Set(['"', '”', '“']);

export type Tokenized = Readonly<{
  tokens: Token[];
  /** Where a quote opens that never closes: kept as a literal character, which only free text may contain. */
  unclosedQuote?: Readonly<{ at: number; before: string }>;
}>;

/** Splits command text on white space, keeping "quoted strings" (straight or typographic quotes) together. */
export function tokenize(text: string): Tokenized {
  const tokens: Token[] = [];
  let unclosedQuote: Tokenized['unclosedQuote'];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) {
      i++;
      continue;
    }
    const start = i;
    let value = '';
    let quotedParts = 0;
    let plainParts = 0;
    while (i < text.length && !/\s/.test(text[i]!)) {
      const close = openingQuotes.has(text[i]!) ? findClosingQuote(text, i + 1) : -1;
      if (close >= 0) {
        value += text.slice(i + 1, close);
        quotedParts++;
        i = close + 1;
      } else {
        if (openingQuotes.has(text[i]!))
          unclosedQuote ??= {
            at: i,
            before:
              text
                .slice(i + 1)
                .trim()
                .split(/\s+/)[0] ?? '',
          };
        value += text[i];
        plainParts++;
        i++;
      }
    }
    tokens.push({ value, start, end: i, quoted: quotedParts === 1 && plainParts === 0 });
  }
  return { tokens, unclosedQuote };
}

function findClosingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) if (closingQuotes.has(text[i]!)) return i;
  return -1;
}

export type Bound = { ok: true; raw: Record<string, RawArg> } | { ok: false; problem: string };

/**
 * Gives each of the command's arguments its text: `name:value` options first (only the command's own
 * option names count; `09:00` stays a value), then required arguments in order, the last taking the
 * rest of the line.
 */
export function bindArguments(command: AnyCommand, text: string, tokens: readonly Token[], unclosedQuote?: Tokenized['unclosedQuote']): Bound {
  const specs = Object.entries(command.args);
  const optionNames = new Set(specs.filter(([, spec]) => !spec.required && !spec.positional).map(([name]) => name));
  const ordered = specs.filter(([, spec]) => spec.required || spec.positional).map(([name]) => name);
  const raw: Record<string, RawArg> = {};
  const positional: { token: Token; index: number }[] = [];

  tokens.forEach((token, index) => {
    const option = /^([a-z]+):/i.exec(text.slice(token.start, token.end));
    const name = option?.[1]?.toLowerCase();
    if (name && optionNames.has(name)) raw[name] = token.value.slice(name.length + 1);
    else positional.push({ token, index });
  });
  for (const name of optionNames) {
    if (raw[name] === '') return { ok: false, problem: `The option ${name}: has no value.` };
  }

  const last = ordered.at(-1);
  let used = 0;
  let restStart = Infinity;
  let tail: Map<string, number> | undefined;
  for (const [i, name] of ordered.entries()) {
    const spec = command.args[name]!;
    const planned = tail?.get(name);
    if (planned !== undefined) {
      if (planned === 0 && spec.required && !spec.tailWords) return { ok: false, problem: `<${name}> is missing.` };
      raw[name] = positional
        .slice(used, used + planned)
        .map(({ token }) => token.value)
        .join(' ');
      used += planned;
      continue;
    }
    const taken = positional[used];
    if (!taken) {
      if (spec.required) return { ok: false, problem: `<${name}> is missing.` };
      break;
    }
    // Free text takes the rest of the line when last, or in the middle all the words the arguments after it leave.
    const takesWords = spec.rest === true && (name === last || !taken.token.quoted);
    const after = ordered.slice(i + 1);
    if (spec.rest === true && name !== last && after.some((later) => command.args[later]!.tailWords !== undefined)) {
      const words = positional.slice(used + 1).map(({ token }) => token.value);
      const quoted = positional.slice(used + 1).map(({ token }) => token.quoted);
      tail = takesWords ? planTail(command, after, words, quoted) : planHead(command, after, words);
    }
    const neededAfter = tail ? [...tail.values()].reduce((sum, n) => sum + n, 0) : after.filter((later) => command.args[later]!.required).length;
    const count = !takesWords ? 1 : name === last ? positional.length - used : Math.max(1, positional.length - used - neededAfter);
    if (takesWords && name === last) restStart = taken.token.start;
    raw[name] = takesWords ? restOfLine(text, positional.slice(used, used + count)) : taken.token.value;
    used += count;
  }
  // A stray quote inside free text is literal (a 12" ruler); one that opens an argument meant to quote it.
  if (unclosedQuote?.before && unclosedQuote.at <= restStart) {
    return { ok: false, problem: `The quote before “${unclosedQuote.before.slice(0, 30)}” is never closed; close it, or leave the quotes out.` };
  }
  // Options may also be given in order after the required arguments: `join outreach core`.
  const unfilled = [...optionNames].filter((name) => raw[name] === undefined);
  for (const { token } of positional.slice(used)) {
    const name = unfilled.shift();
    if (!name) return { ok: false, problem: `I did not expect “${token.value.slice(0, 40)}”.` };
    raw[name] = token.value;
  }
  return { ok: true, raw };
}

/** How many words, counted from the end, each argument after free text in the middle takes (a date may take several). */
function planTail(command: AnyCommand, names: readonly string[], words: readonly string[], quoted: readonly boolean[]): Map<string, number> {
  const plan = new Map<string, number>();
  let available = words.length;
  for (const name of [...names].reverse()) {
    const spec = command.args[name]!;
    // A quoted word in its place is that argument as typed (`"next friday"`), never part of the free text before it.
    const wanted = spec.tailWords ? (quoted[available - 1] ? 1 : spec.tailWords(words.slice(0, available))) : spec.required ? 1 : 0;
    const count = Math.min(wanted, available);
    plan.set(name, count);
    available -= count;
  }
  return plan;
}

/** After a quoted title the words are read from the front instead, so that options may follow in order. */
function planHead(command: AnyCommand, names: readonly string[], words: readonly string[]): Map<string, number> {
  const plan = new Map<string, number>();
  let from = 0;
  for (const [i, name] of names.entries()) {
    const spec = command.args[name]!;
    const neededAfter = names.slice(i + 1).filter((later) => command.args[later]!.required).length;
    const room = Math.max(0, words.length - from - neededAfter);
    let count = spec.required && !spec.tailWords ? Math.min(1, words.length - from) : 0;
    if (spec.tailWords) {
      for (let k = Math.min(3, room); k > 0 && count === 0; k--) if (spec.tailWords(words.slice(from, from + k)) === k) count = k;
    }
    plan.set(name, count);
    from += count;
  }
  return plan;
}

/** The original text of the remaining tokens, spacing and line breaks kept, options taken out. */
function restOfLine(text: string, rest: readonly { token: Token; index: number }[]): string {
  const first = rest[0]!;
  if (rest.length === 1 && first.token.quoted) return first.token.value;
  let line = '';
  rest.forEach(({ token, index }, i) => {
    const next = rest[i + 1];
    if (!next) line += text.slice(token.start, token.end);
    else if (next.index === index + 1) line += text.slice(token.start, next.token.start);
    else line += text.slice(token.start, token.end) + ' ';
  });
  return line;
}
