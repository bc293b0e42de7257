import { answer, bold, code, refuse, rich, type Section } from '../kernel/reply.js';
import { optionalPositional, text } from './args.js';
import { defineCommand, usageOf, type Access, type AnyCommand } from './define.js';

const audiences: readonly { access: Access; title: string }[] = [
  { access: 'everyone', title: 'For everyone' },
  { access: 'coordinator', title: 'For coordinators of a community or of its network (and admins)' },
  { access: 'admin', title: 'For admins' },
];

export const help = defineCommand({
  path: ['help'],
  summary: 'Lists the commands, or explains one with an example',
  examples: ['/cop help', '/cop help join'],
  access: 'everyone',
  args: { command: optionalPositional(text('a command, e.g. join or event create', { label: 'The command' })) },
  async run(ctx, { command }) {
    if (command) {
      const words = command
        .toLowerCase()
        .replace(/^\/?cop\s+/, '')
        .split(/\s+/);
      const found = ctx.commands.find(words);
      const group = ctx.commands.groups().get(words[0] ?? '');
      if (found && found.consumed === words.length) return answer(explain(found.command));
      if (group && words.length === 1) return answer(rich`${bold(`/cop ${words[0]}`)} has these commands:`, { sections: [listSection(undefined, group)] });
      return refuse('UnknownCommand', `“${command.slice(0, 40)}” is not a Weaver command; /cop help lists them all.`);
    }
    const sections = audiences
      .map(({ access, title }) =>
        listSection(
          title,
          ctx.commands.all.filter((def) => def.access === access),
        ),
      )
      .filter((section) => section.fields && section.fields.length > 0);
    return answer(rich`${bold('Weaver')} helps communities of practice share what they know. Type ${code('/cop help <command>')} for details and an example.`, {
      sections,
    });
  },
});

function listSection(title: string | undefined, commands: readonly AnyCommand[]): Section {
  return { title, fields: commands.map((def) => ({ label: usageOf(def), value: [def.summary] })) };
}

function explain(command: AnyCommand) {
  const options = Object.entries(command.args).map(([name, spec]) => `${name}: ${spec.description}`);
  const who = { everyone: 'anyone', coordinator: 'coordinators of the community, coordinators of its network, and admins', admin: 'admins' }[command.access];
  return rich`${code(usageOf(command))}
${command.summary}.${command.details ? `\n${command.details}` : ''}
${options.length ? `\n${options.join('\n')}\n` : ''}
Who: ${who}.
${command.examples.length > 1 ? 'Examples' : 'Example'}: ${command.examples.join('   ')}`;
}
