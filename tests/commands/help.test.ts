import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commands } from '../../src/commands/index.js';
import { usageOf } from '../../src/commands/define.js';
import { bindArguments, tokenize } from '../../src/commands/parse-text.js';
import { createTestWorld, type TestWorld } from '../support/harness.js';

let world: TestWorld;
beforeEach(async () => {
  world = await createTestWorld();
});
afterEach(() => world.close());

describe('help', () => {
  it('lists every command with its usage', async () => {
    const text = (await world.run('ann', 'help')).text;
    for (const command of commands.all) expect(text).toContain(usageOf(command));
  });

  it.each(commands.all.map((command) => [command.path.join(' ')]))('explains %s with examples that parse as written', async (name) => {
    const reply = await world.run('ann', `help ${name}`);
    const command = commands.find(name.split(' '))!.command;
    expect(reply.text).toContain(usageOf(command));
    expect(reply.text).toContain(command.examples[0]);
    for (const example of command.examples) {
      const line = example.replace(/^\/cop /, '');
      const { tokens, unclosedQuote } = tokenize(line);
      const found = commands.find(tokens.map((token) => token.value));
      expect(found?.command, example).toBe(command);
      expect(bindArguments(command, line, tokens.slice(found!.consumed), unclosedQuote), example).toMatchObject({ ok: true });
    }
  });

  it('says so for a command that does not exist', async () => {
    expect((await world.run('ann', 'help teleport')).text).toBe('“teleport” is not a Weaver command; /cop help lists them all.');
  });

  it('keeps every summary within Discord’s 100-character description limit', () => {
    for (const command of commands.all) expect(command.summary.length, command.path.join(' ')).toBeLessThanOrEqual(100);
  });
});
