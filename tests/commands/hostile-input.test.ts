import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestWorld, type TestWorld } from '../support/harness.js';

let world: TestWorld;
beforeEach(async () => {
  world = await createTestWorld();
  await world.run('admin', 'create outreach "STEM Outreach"');
});
afterEach(() => world.close());

describe('whatever is typed, one clear sentence and the usage, never a crash', () => {
  it.each([
    ['', /^Weaver helps communities of practice/],
    ['   ', /^Weaver helps communities of practice/],
    ['frobnicate', /^“frobnicate” is not a Weaver command; \/cop help lists them all\.$/],
    ['join', /^<community> is missing\. Usage: \/cop join <community> \[tier:core\|wider\]$/],
    ['join "outreach', /^The quote before “outreach” is never closed; close it, or leave the quotes out\. Usage: \/cop join <community> \[tier:core\|wider\]$/],
    ['join out\u0000reach', /^Your command contains control characters; type it as plain text\. Usage: \/cop help$/],
    ['join \u001b[31moutreach', /control characters/],
    [`join x${'x'.repeat(10_000)}`, /^There is no community “x{40}”; \/cop list shows them all\. Usage: /],
    [`share outreach ${'y'.repeat(10_000)}`, /^The practice is 10000 characters long; the limit is 4000\. Usage: \/cop share <community> <text>$/],
    [`create x${'y'.repeat(10_000)} Name`, /is not a valid slug/],
    ["join outreach' OR 1=1 --", /^I did not expect “1=1”\./],
  ])('case %#: %s', async (line, expected) => {
    const reply = await world.run('ann', line);
    expect(reply.text).toMatch(expected);
    expect(reply.text.split('\n')[0]!.length).toBeLessThan(300);
  });

  it('stores text that looks like SQL or markup exactly as typed', async () => {
    const text = `Robert"); DROP TABLE practice; -- <script>alert(1)</script> *bold* <@U1>`;
    await world.run('ann', `share outreach ${text}`);
    expect(await world.db.selectFrom('practice').select('text').execute()).toEqual([{ text }]);
  });
});
