import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { startWeaver } from '../../src/app/start.js';
import { silentLog, tempDatabasePath } from '../support/harness.js';

describe('peer exchange on the console', () => {
  it('prints the introduction as the group post the platforms would get, with its buttons', async () => {
    const loaded = loadConfig({ DATABASE_PATH: tempDatabasePath() });
    if (!loaded.ok) throw new Error(loaded.errors.join());
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk) => (text += chunk));
    const weaver = await startWeaver(loaded.config, { log: silentLog, console: { input, output } });
    input.end(
      [
        'create outreach "STEM Outreach"',
        'link outreach',
        ':as ann',
        'join outreach',
        'pair join outreach about:"evaluation of taster days"',
        ':as bo',
        'join outreach',
        'pair join outreach role:mentor',
        ':as admin',
        'pair now outreach',
        ':as bo',
      ].join('\n'),
    );
    await weaver.finished;
    await weaver.stop();
    expect(text).toMatch(/a group conversation with @(ann, @bo|bo, @ann) \(#group-/);
    expect(text).toContain('@ann (wider) — evaluation of taster days');
    expect(text).toContain('@bo (wider, mentor)');
    expect(text).toContain('[1] We met  [2] Not this time');
    expect(text).toContain('2 took part in 1 group; 1 introduction sent');
  });
});
