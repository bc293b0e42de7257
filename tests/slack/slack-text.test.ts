import { describe, expect, test } from 'vitest';
import { decodeSlackText } from '../../adapters/slack/slack-text.js';

describe('Slack text back to what was typed', () => {
  test.each([
    ['entities', 'Tea &amp; cake &lt;3 &gt; coffee', 'Tea & cake <3 > coffee'],
    ['an entity typed literally', 'write &amp;lt; for <', 'write &lt; for <'],
    [
      'user and channel mentions stay for the core to read',
      'coordinator outreach <@U0BOB|bob> in <#C0HOME|home>',
      'coordinator outreach <@U0BOB|bob> in <#C0HOME|home>',
    ],
    ['a link becomes its URL', 'where:<https://zoom.us/j/1|zoom.us/j/1>', 'where:https://zoom.us/j/1'],
    ['a bare link', 'see <https://example.org/a?b=1&amp;c=2>', 'see https://example.org/a?b=1&c=2'],
    ['an email address', 'write to <mailto:ann@example.org|ann@example.org>', 'write to ann@example.org'],
    ['specials never ping again', '<!here> and <!channel> and <!subteam^S123|@designers>', '@here and @channel and @designers'],
  ])('%s', (_name, slack, typed) => {
    expect(decodeSlackText(slack)).toBe(typed);
  });

  test('in conversation a labelled link keeps its label', () => {
    expect(decodeSlackText('read <https://example.org/guide|the guide> and <https://example.org|example.org>', 'label-and-url')).toBe(
      'read the guide (https://example.org/guide) and https://example.org',
    );
  });
});
