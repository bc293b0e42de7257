import { describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/app/config.js';
import { databaseLocation } from '../../src/kernel/settings.js';

describe('settings', () => {
  it('has the contract’s defaults when nothing is set', () => {
    const loaded = loadConfig({});
    expect(loaded).toEqual({
      ok: true,
      config: expect.objectContaining({ databasePath: './data/weaver.db', port: 3000, defaultTimezone: 'UTC', coreLimit: 1, logLevel: 'info', admins: [] }),
    });
    expect(loaded.ok && loaded.config.slack).toBeUndefined();
    expect(loaded.ok && loaded.config.discord).toBeUndefined();
  });

  it('reads admins per platform', () => {
    const loaded = loadConfig({ WEAVER_ADMINS: 'slack:U012AB3CD, discord:80351110224678912' });
    expect(loaded.ok && loaded.config.admins).toEqual([
      { platform: 'slack', userId: 'U012AB3CD' },
      { platform: 'discord', userId: '80351110224678912' },
    ]);
  });

  it('names every invalid setting at once and never prints a secret', () => {
    const loaded = loadConfig({
      PORT: 'eighty',
      CORE_LIMIT: '0',
      DEFAULT_TIMEZONE: 'Mars/Olympus',
      LOG_LEVEL: 'loud',
      WEAVER_ADMINS: 'U012AB3CD',
      SLACK_BOT_TOKEN: 'xoxb-very-secret',
      SLACK_APP_TOKEN: 'xoxp-also-secret',
      DISCORD_TOKEN: 'discord-secret',
    });
    expect(loaded.ok).toBe(false);
    const errors = loaded.ok ? [] : loaded.errors;
    for (const name of ['PORT', 'CORE_LIMIT', 'DEFAULT_TIMEZONE', 'LOG_LEVEL', 'WEAVER_ADMINS', 'SLACK_APP_TOKEN', 'DISCORD_APPLICATION_ID']) {
      expect(errors.some((error) => error.startsWith(name))).toBe(true);
    }
    expect(errors.join('\n')).not.toMatch(/secret/);
  });

  it('takes DATABASE_URL as the database, and refuses anything but a PostgreSQL URL in one sentence', () => {
    const loaded = loadConfig({ DATABASE_URL: 'postgres://weaver@127.0.0.1:5432/test' });
    expect(loaded.ok && databaseLocation(loaded.config)).toBe('postgres://weaver@127.0.0.1:5432/test');
    expect(loadConfig({}).ok && databaseLocation((loadConfig({}) as { config: Config }).config)).toBe('./data/weaver.db');
    expect(loadConfig({ DATABASE_URL: 'mysql://db/weaver' })).toEqual({
      ok: false,
      errors: ['DATABASE_URL must be a PostgreSQL URL, e.g. postgres://weaver@db.example:5432/weaver'],
    });
  });

  it('requires a signing secret for Slack over HTTP but not in Socket Mode', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1' })).toEqual({ ok: false, errors: [expect.stringMatching(/^SLACK_SIGNING_SECRET is required/)] });
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).ok).toBe(true);
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ SLACK_BOT_TOKEN: '', PORT: ' ' })).toMatchObject({ ok: true, config: { port: 3000 } });
  });
});
