import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { createTokenCipher } from '../../adapters/slack/token-cipher.js';

const oauth = {
  SLACK_CLIENT_ID: '1111.2222',
  SLACK_CLIENT_SECRET: 'client-secret-value',
  SLACK_STATE_SECRET: 'state-secret-0123456789',
  SLACK_SIGNING_SECRET: 'x',
};

describe('settings for Slack in many workspaces', () => {
  test('client id, client secret and state secret (with the signing secret) run Slack in many workspaces', () => {
    const loaded = loadConfig({ ...oauth, WEAVER_SECRET_KEY: 'a-long-random-secret-key' });
    expect(loaded.ok && loaded.config.slack).toEqual({
      signingSecret: 'x',
      apiUrl: 'https://slack.com/api/',
      oauth: { clientId: '1111.2222', clientSecret: 'client-secret-value', stateSecret: 'state-secret-0123456789' },
      secretKey: 'a-long-random-secret-key',
    });
  });

  test('with SLACK_BOT_TOKEN set too, the single-token mode is unchanged', () => {
    const loaded = loadConfig({ ...oauth, SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(loaded.ok && loaded.config.slack).toEqual({ botToken: 'xoxb-1', signingSecret: 'x', apiUrl: 'https://slack.com/api/', appToken: undefined });
  });

  test.each([
    [{ SLACK_CLIENT_ID: '1' }, 'SLACK_CLIENT_SECRET, SLACK_STATE_SECRET'],
    [{ SLACK_CLIENT_ID: '1', SLACK_CLIENT_SECRET: 'x' }, 'SLACK_STATE_SECRET'],
    [{ SLACK_STATE_SECRET: 'state-secret-0123456789' }, 'SLACK_CLIENT_ID, SLACK_CLIENT_SECRET'],
  ])('one clear message names what is missing (%o)', (env, missing) => {
    const loaded = loadConfig(env);
    expect(loaded.ok ? [] : loaded.errors).toEqual([
      `Slack in many workspaces needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET together; missing: ${missing}`,
    ]);
  });

  test('many workspaces need the signing secret and HTTP; a short key is refused; no value is printed', () => {
    const { SLACK_SIGNING_SECRET: _signing, ...withoutSigning } = oauth;
    const unsigned = loadConfig(withoutSigning);
    expect(unsigned.ok ? [] : unsigned.errors).toEqual(['SLACK_SIGNING_SECRET is required for Slack in many workspaces (with SLACK_CLIENT_ID)']);
    const socket = loadConfig({ ...oauth, SLACK_APP_TOKEN: 'xapp-1-A-1-x' });
    expect(socket.ok ? [] : socket.errors).toEqual(['Slack in many workspaces runs over HTTP (its install pages need it): unset SLACK_APP_TOKEN']);
    const short = loadConfig({ ...oauth, WEAVER_SECRET_KEY: 'short', SLACK_STATE_SECRET: 'tiny' });
    const errors = short.ok ? [] : short.errors;
    expect(errors.some((error) => error.startsWith('WEAVER_SECRET_KEY must be at least 16 characters'))).toBe(true);
    expect(errors.some((error) => error.startsWith('SLACK_STATE_SECRET must be at least 16 characters'))).toBe(true);
    expect(errors.join('\n')).not.toMatch(/short|tiny|client-secret-value/);
  });
});

describe('stored tokens', () => {
  const installation = JSON.stringify({ team: { id: 'T1' }, bot: { token: 'xoxb-secret-token' } });

  test('are sealed with AES-256-GCM under WEAVER_SECRET_KEY: unreadable at rest, each time differently', () => {
    const cipher = createTokenCipher('a-long-random-secret-key');
    const once = cipher.seal(installation);
    expect(once).toMatch(/^enc:v1:/);
    expect(once).not.toContain('xoxb-');
    expect(cipher.seal(installation)).not.toBe(once);
    expect(cipher.open(once)).toBe(installation);
  });

  test('a tampered value or another key is refused with a sentence, never read wrongly', () => {
    const sealed = createTokenCipher('a-long-random-secret-key').seal(installation);
    const tampered = `${sealed.slice(0, -4)}AAAA`;
    expect(() => createTokenCipher('a-long-random-secret-key').open(tampered)).toThrow(/cannot be decrypted/);
    expect(() => createTokenCipher('another-long-secret-key').open(sealed)).toThrow(/WEAVER_SECRET_KEY differs/);
    expect(() => createTokenCipher(undefined).open(sealed)).toThrow(/WEAVER_SECRET_KEY is not set/);
  });

  test('without a key they are stored as Slack gives them, and read back after a key is set', () => {
    const plain = createTokenCipher(undefined).seal(installation);
    expect(plain).toBe(installation);
    expect(createTokenCipher('a-long-random-secret-key').open(plain)).toBe(installation);
  });
});
