import { ButtonStyle } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { answer, bold, channelMention, code, link, mention, time, type Span } from '../../src/kernel/reply.js';
import {
  buttonCustomId,
  limits,
  parseButtonCustomId,
  renderDiscordMessages,
  renderMarkdown,
  splitText,
  storedButtonCommands,
} from '../../adapters/discord/render.js';

const ann = { platform: 'discord' as const, workspaceId: '281234567890123456', userId: '80351110224678912' };
const home = { platform: 'discord' as const, workspaceId: '281234567890123456', channelId: '381234567890123456' };

describe('rendering rich text as Discord markdown', () => {
  it.each<[string, Span[], string]>([
    ['escapes markdown typed by people', ['**not bold** _x_ ~~y~~ `z` || spoiler'], '\\*\\*not bold\\*\\* \\_x\\_ \\~\\~y\\~\\~ \\`z\\` \\|\\| spoiler'],
    [
      'escapes headings, lists and quotes at the start of a line',
      ['# title\n- item\n> quote\n1. one\n  2-3'],
      '\\# title\n\\- item\n\\> quote\n\\1. one\n  2-3',
    ],
    ['bolds', [bold('Outreach')], '**Outreach**'],
    ['escapes inside bold', [bold('a*b')], '**a\\*b**'],
    ['puts code in backticks', [code('/cop join outreach')], '`/cop join outreach`'],
    ['holds a backtick inside code', [code('a`b')], '`` a`b ``'],
    ['masks links', [link('https://example.org/a_b', 'the [docs]')], '[the \\[docs\\]](https://example.org/a_b)'],
    ['shows a bare link when the label is the address', [link('https://example.org', 'https://example.org')], 'https://example.org'],
    ['never links anything but http(s)', [link('javascript:alert(1)', 'click')], 'click'],
    ['shows times in each reader’s zone', [time(Date.UTC(2026, 10, 23, 10, 0, 30), 'Europe/London')], '<t:1795428030:F>'],
    ['mentions Discord users and channels', [mention(ann, 'ann'), ' in ', channelMention(home, 'outreach')], '<@80351110224678912> in <#381234567890123456>'],
    [
      'names people and channels of other platforms as text',
      [
        mention({ platform: 'slack', workspaceId: 'T1', userId: 'U1' }, 'bob'),
        ' ',
        channelMention({ platform: 'slack', workspaceId: 'T1', channelId: 'C1' }, 'general'),
      ],
      '@bob #general',
    ],
  ])('%s', (_name, spans, expected) => {
    expect(renderMarkdown(spans)).toBe(expected);
  });
});

describe('rendering replies as Discord messages', () => {
  it('puts the body in content, sections in embeds and buttons in a row', () => {
    const [message, ...rest] = renderDiscordMessages(
      answer([bold('Outreach')], {
        sections: [{ title: 'Domain', body: ['Reaching new audiences'] }, { fields: [{ label: 'Status', value: ['launched'] }] }],
        buttons: [
          { label: 'Join', command: 'join outreach tier:wider', style: 'primary' },
          { label: 'Join as core', command: 'join outreach tier:core' },
        ],
      }),
    );
    expect(rest).toEqual([]);
    expect(message!.content).toBe('**Outreach**');
    expect(message!.embeds).toMatchObject([
      { title: 'Domain', description: 'Reaching new audiences' },
      { fields: [{ name: 'Status', value: 'launched', inline: true }] },
    ]);
    expect(message!.components).toEqual([
      {
        type: 1,
        components: [
          { type: 2, custom_id: 'cop:join outreach tier:wider', label: 'Join', style: ButtonStyle.Primary },
          { type: 2, custom_id: 'cop:join outreach tier:core', label: 'Join as core', style: ButtonStyle.Secondary },
        ],
      },
    ]);
  });

  it('splits a long body into several messages of at most 2000 characters, at line breaks', () => {
    const body = Array.from({ length: 120 }, (_, i) => `line ${i} ${'x'.repeat(40)}`).join('\n');
    const messages = renderDiscordMessages(answer(body));
    expect(messages.length).toBeGreaterThan(2);
    for (const message of messages) expect(message.content!.length).toBeLessThanOrEqual(limits.content);
    expect(messages.map((m) => m.content).join('\n')).toBe(body);
  });

  it('keeps at most 25 fields in an embed, 6000 characters and 10 embeds in a message', () => {
    const fields = Array.from({ length: 80 }, (_, i) => ({ label: `Community ${i}`, value: ['y'.repeat(300)] }));
    const sections = [{ title: 'Many', fields }, ...Array.from({ length: 12 }, (_, i) => ({ title: `Section ${i}`, body: ['z'.repeat(3000)] }))];
    const messages = renderDiscordMessages(answer('All of them:', { sections }));
    const embeds = messages.flatMap((m) => m.embeds);
    expect(embeds.flatMap((e) => e.fields ?? [])).toHaveLength(80);
    for (const message of messages) {
      expect(message.embeds.length).toBeLessThanOrEqual(limits.embedsPerMessage);
      const size = message.embeds.reduce(
        (n, e) => n + (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.fields ?? []).reduce((m, f) => m + f.name.length + f.value.length, 0),
        0,
      );
      expect(size).toBeLessThanOrEqual(limits.embedTotal);
      for (const embed of message.embeds) expect((embed.fields ?? []).length).toBeLessThanOrEqual(limits.fieldsPerEmbed);
    }
  });

  it('splits a field value over 1024 characters into continued fields, and a description over 4096 into continued embeds', () => {
    const messages = renderDiscordMessages(
      answer('x', { sections: [{ title: 'Long', body: ['d'.repeat(5000)], fields: [{ label: 'Members', value: ['m '.repeat(1500)] }] }] }),
    );
    const embeds = messages.flatMap((m) => m.embeds);
    expect(
      embeds
        .map((e) => e.description?.length ?? 0)
        .filter(Boolean)
        .every((n) => n <= limits.description),
    ).toBe(true);
    const fields = embeds.flatMap((e) => e.fields ?? []);
    expect(fields.length).toBe(3);
    expect(fields[0]!.name).toBe('Members');
    for (const field of fields) expect(field.value.length).toBeLessThanOrEqual(limits.fieldValue);
  });

  it('puts 5 buttons in a row, 5 rows in a message, and the rest in a follow-up', () => {
    const buttons = Array.from({ length: 27 }, (_, i) => ({ label: `B${i}`, command: `join c${i}` }));
    const messages = renderDiscordMessages(answer('Pick one', { buttons }));
    expect(messages).toHaveLength(2);
    expect(messages[0]!.components.map((row) => row.components.length)).toEqual([5, 5, 5, 5, 5]);
    expect(messages[1]!.components.map((row) => row.components.length)).toEqual([2]);
  });

  it('attaches a file to the last message', () => {
    const messages = renderDiscordMessages(answer('Here it is', { attachment: { filename: 'outreach.md', content: '# Outreach', mimeType: 'text/markdown' } }));
    expect(messages[0]!.files).toEqual([{ name: 'outreach.md', data: Buffer.from('# Outreach'), contentType: 'text/markdown' }]);
  });
});

describe('button custom ids', () => {
  it('carries a short command line itself and a long one by a stored hash', () => {
    expect(buttonCustomId('join outreach tier:core')).toBe('cop:join outreach tier:core');
    expect(parseButtonCustomId('cop:join outreach tier:core')).toEqual({ kind: 'line', command: 'join outreach tier:core' });
    const long = `share outreach ${'a'.repeat(120)}`;
    const id = buttonCustomId(long);
    expect(id.length).toBeLessThanOrEqual(100);
    expect(parseButtonCustomId(id)).toEqual({ kind: 'stored', key: id });
    expect(
      storedButtonCommands(
        answer('x', {
          buttons: [
            { label: 'Go', command: long },
            { label: 'Short', command: 'mine' },
          ],
        }),
      ),
    ).toEqual(new Map([[id, long]]));
    expect(parseButtonCustomId('something-else')).toBeUndefined();
  });
});

describe('splitting text', () => {
  it.each([
    ['short text stays whole', 'hello', 10, ['hello']],
    ['cuts at a space', 'aaaa bbbb cccc', 10, ['aaaa bbbb', 'cccc']],
    ['cuts a word with no space', 'abcdefghijkl', 5, ['abcde', 'fghij', 'kl']],
    ['never cuts an escape apart', 'aaaa\\*bbbb', 5, ['aaaa', '\\*bbb', 'b']],
  ])('%s', (_name, text, max, expected) => {
    expect(splitText(text, max)).toEqual(expected);
  });
});
