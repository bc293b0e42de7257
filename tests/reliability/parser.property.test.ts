import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../src/commands/index.js';
import { bindArguments, tokenize } from '../../src/commands/parse-text.js';
import type { AnyCommand } from '../../src/commands/define.js';
import { createTestWorld, type TestWorld } from '../support/harness.js';

// Property tests of the text parser (Slack and the console): fast-check prints the seed and the shrunk
// counterexample on failure; re-run one with `fc.assert(..., { seed, path })`.

function bind(line: string) {
  const text = line.replace(/^\s*\/cop\b/i, '');
  const { tokens, unclosedQuote } = tokenize(text);
  const found = commands.find(tokens.map((t) => t.value));
  if (!found) return { ok: false as const, problem: 'unknown command', command: undefined };
  const bound = bindArguments(found.command, text, tokens.slice(found.consumed), unclosedQuote);
  return { ...bound, command: found.command };
}

const optionNamesOf = (command: AnyCommand) =>
  Object.entries(command.args)
    .filter(([, spec]) => !spec.required && !spec.positional)
    .map(([name]) => name);
const requiredOf = (command: AnyCommand) =>
  Object.entries(command.args)
    .filter(([, spec]) => spec.required)
    .map(([name]) => name);

// What people type: words, times, URLs, punctuation, emoji, mentions; no quote characters (those delimit values).
const valueChar = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-_.,:;/?!@#$%&*()[]{}<>|=+~^'`éß✅🙂中".split(''));
const word = fc.string({ unit: valueChar, minLength: 1, maxLength: 12 }).filter((w) => !/^[a-z]+:/i.test(w));
const spacedValue = fc.array(word, { minLength: 2, maxLength: 4 }).map((words) => words.join(' '));

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld();
  await world.run('admin', 'create outreach "STEM Outreach"');
});
afterAll(async () => {
  await world?.close();
});

describe('the text parser, for any input', () => {
  it('never throws, and always answers with a reply, on any string', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 80 }), async (line) => {
        const answer = await world.run('ann', line);
        expect(answer.text.length).toBeGreaterThan(0);
        expect(answer.internalError, line).toBeFalsy();
      }),
      { numRuns: 150 },
    );
  });

  it('never throws on a real command followed by hostile words', async () => {
    const paths = commands.all.map((command) => command.path.join(' '));
    const hostile = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.constantFrom('"', '“', '”', '„', 'tier:', 'where:"', ':', '""', '“”', '\\', "'; drop table member; --", '%s%n', '${x}', '\u202e', '\n', '\t'),
      word,
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.array(hostile, { maxLength: 5 }), async (path, words) => {
        const answer = await world.run('ann', `${path} ${words.join(' ')}`);
        expect(answer.text.length).toBeGreaterThan(0);
        // A bug is an apology; hostile input must get a refusal or an answer, never "something went wrong".
        expect(answer.internalError, `${path} ${words.join(' ')}`).toBeFalsy();
      }),
      { numRuns: 150 },
    );
  });

  it('tokenize keeps every character of a token inside its bounds, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (line) => {
        for (const token of tokenize(line).tokens) {
          expect(token.start).toBeGreaterThanOrEqual(0);
          expect(token.end).toBeLessThanOrEqual(line.length);
          expect(token.end).toBeGreaterThan(token.start);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('what help documents, the parser reads', () => {
  const documented = commands.all.flatMap((command) => command.examples.map((example) => [command.path.join(' '), example] as const));

  it.each(documented)('%s: the example %j parses', (path, example) => {
    const bound = bind(example);
    expect(bound).toMatchObject({ ok: true });
    expect(bound.command?.path.join(' ')).toBe(path);
  });

  const withOptions = commands.all.filter((command) => optionNamesOf(command).length > 0);

  it('gives back an option value as typed, name:value or name:"quoted value", anywhere after the subcommand', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...withOptions),
        fc.nat(),
        fc.oneof(
          word.map((value) => ({ value, typed: (v: string) => v })),
          spacedValue.map((value) => ({ value, typed: (v: string) => `"${v}"` })),
        ),
        fc.boolean(),
        (command, pick, { value, typed }, first) => {
          const options = optionNamesOf(command);
          const name = options[pick % options.length]!;
          const required = requiredOf(command).map((arg, i) => (command.args[arg]!.rest ? 'some free text' : `arg${i}`));
          const option = `${name}:${typed(value)}`;
          const line = [...command.path, ...(first ? [option, ...required] : [...required, option])].join(' ');
          const bound = bind(line);
          expect(bound, line).toMatchObject({ ok: true });
          if (bound.ok) expect(bound.raw[name], line).toBe(value);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives back a quoted required value as typed, spaces and colons kept', () => {
    const withRequired = commands.all.filter((command) => requiredOf(command).length > 0);
    fc.assert(
      fc.property(fc.constantFrom(...withRequired), fc.nat(), spacedValue, fc.constantFrom(['"', '"'], ['“', '”']), (command, pick, value, [open, close]) => {
        const required = requiredOf(command);
        const target = required[pick % required.length]!;
        const args = required.map((arg, i) => (arg === target ? `${open}${value}${close}` : command.args[arg]!.rest ? 'free text' : `arg${i}`));
        const line = [...command.path, ...args].join(' ');
        const bound = bind(line);
        expect(bound, line).toMatchObject({ ok: true });
        if (bound.ok) expect(bound.raw[target], line).toBe(value);
      }),
      { numRuns: 300 },
    );
  });
});
