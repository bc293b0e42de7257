import { describe, expect, test } from 'vitest';
import { limits, renderBlocks, renderMrkdwn } from '../../adapters/slack/render-blocks.js';
import { answer, bold, channelMention, code, link, mention, time, type Span } from '../../src/kernel/reply.js';

const ann = { platform: 'slack', workspaceId: 'T1', userId: 'U0ANN' } as const;
const discordAnn = { platform: 'discord', workspaceId: '1', userId: '80351110224678912' } as const;
const home = { platform: 'slack', workspaceId: 'T1', channelId: 'C0HOME' } as const;

describe('rich text as Slack mrkdwn', () => {
  const cases: [string, Span[], string][] = [
    ['escapes &, < and > in what people typed', ['Tea & <b>cake</b> > coffee'], 'Tea &amp; &lt;b&gt;cake&lt;/b&gt; &gt; coffee'],
    ['keeps a typed mention escaped, so it cannot ping', ['<!channel> <@U123>'], '&lt;!channel&gt; &lt;@U123&gt;'],
    ['bold', [bold('Outreach')], '*Outreach*'],
    ['code, with a backtick made harmless', [code('/cop join `x`')], '`/cop join ˋxˋ`'],
    ['a link with its label escaped', [link('https://example.org/a?b=1&c=2', 'Notes <draft>')], '<https://example.org/a?b=1&amp;c=2|Notes &lt;draft&gt;>'],
    ['a Slack user as a mention', [mention(ann, 'ann')], '<@U0ANN>'],
    ['a user of another platform as a name', [mention(discordAnn, 'ann')], '@ann'],
    ['a Slack channel as a channel link', [channelMention(home, 'home')], '<#C0HOME>'],
    [
      'a time as Slack date formatting with a fallback in the community’s zone',
      [time(Date.UTC(2026, 11, 1, 12, 0), 'Europe/London')],
      '<!date^1796126400^{date_short_pretty} {time}|Tue 1 Dec 2026, 12:00 GMT>',
    ],
  ];
  test.each(cases)('%s', (_name, spans, expected) => {
    expect(renderMrkdwn(spans)).toBe(expected);
  });
});

describe('a reply as Block Kit', () => {
  test('body, titled sections, fields and buttons, with the plain text as fallback', () => {
    const message = renderBlocks(
      answer([bold('Outreach'), ' (outreach)'], {
        sections: [{ title: 'Domain', body: ['Reaching new audiences'] }, { fields: [{ label: 'Status', value: ['launched'] }] }],
        buttons: [
          { label: 'Join', command: 'join outreach tier:wider', style: 'primary' },
          { label: 'Join as core', command: 'join outreach tier:core' },
        ],
      }),
    );
    expect(message.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*Outreach* (outreach)' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*Domain*\nReaching new audiences' } },
      { type: 'section', fields: [{ type: 'mrkdwn', text: '*Status*\nlaunched' }] },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: 'cop_button_0',
            text: { type: 'plain_text', text: 'Join', emoji: true },
            value: 'join outreach tier:wider',
            style: 'primary',
          },
          { type: 'button', action_id: 'cop_button_1', text: { type: 'plain_text', text: 'Join as core', emoji: true }, value: 'join outreach tier:core' },
        ],
      },
    ]);
    expect(message.text).toBe('Outreach (outreach)\n\nDomain\nReaching new audiences\n\n  Status: launched\n\n[1] Join  [2] Join as core');
  });

  test('more than ten fields are split over several sections', () => {
    const fields = Array.from({ length: 23 }, (_, i) => ({ label: `F${i}`, value: [`v${i}`] }));
    const sections = renderBlocks(answer('x', { sections: [{ fields }] })).blocks.filter((block) => 'fields' in block && block.fields);
    expect(sections.map((block) => ('fields' in block ? block.fields?.length : 0))).toEqual([10, 10, 3]);
  });

  test('a text longer than a section allows is cut at line breaks into several sections', () => {
    const long = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(30)}`).join('\n');
    const blocks = renderBlocks(answer(long)).blocks;
    expect(blocks.length).toBeGreaterThan(2);
    const texts = blocks.map((block) => (block.type === 'section' && block.text ? block.text.text : ''));
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(limits.sectionText);
    expect(texts.join('\n')).toBe(long);
  });

  test('a message never exceeds 50 blocks: the excess is summarised and the buttons stay', () => {
    const sections = Array.from({ length: 80 }, (_, i) => ({ title: `Community ${i}` }));
    const blocks = renderBlocks(answer('Many', { sections, buttons: [{ label: 'More', command: 'list' }] })).blocks;
    expect(blocks).toHaveLength(limits.blocksPerMessage);
    expect(blocks.at(-2)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '…and 33 more not shown here.' }] });
    expect(blocks.at(-1)).toMatchObject({ type: 'actions' });
  });

  test('button labels are cut to Slack’s 75 characters', () => {
    const [actions] = renderBlocks(answer('', { buttons: [{ label: 'L'.repeat(100), command: 'help' }] })).blocks;
    expect(actions).toMatchObject({ type: 'actions', elements: [{ text: { text: `${'L'.repeat(74)}…` } }] });
  });
});
