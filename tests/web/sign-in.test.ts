import { describe, expect, it } from 'vitest';
import { createTestWorld } from '../support/harness.js';
import { findSession, inspectSignInLink, issueSignInLink, redeemSignInLink, sessionMs, signInLinkMs } from '../../src/web/sign-in.js';
import type { UserRef } from '../../src/kernel/identity.js';

const ann: UserRef = { platform: 'console', workspaceId: 'local', userId: 'ann' };
const tokenOf = (url: string) => url.split('/sign-in/')[1]!;

async function world(secretKey?: string) {
  return createTestWorld({ settings: { publicUrl: 'https://weaver.example', secretKey } });
}

describe('sign-in links', () => {
  it('are personal links under PUBLIC_URL, stored only as a hash', async () => {
    const w = await world();
    const url = (await issueSignInLink(w.services, ann, false))!;
    expect(url).toMatch(/^https:\/\/weaver\.example\/sign-in\/[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    const rows = await w.db.selectFrom('web_sign_in').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(tokenOf(url).split('.')[0]);
    await w.close();
  });

  it('are not offered without PUBLIC_URL', async () => {
    const w = await createTestWorld();
    expect(await issueSignInLink(w.services, ann, false)).toBeUndefined();
    expect((await w.run('ann', 'list')).text).not.toContain('sign-in');
    await w.close();
  });

  it('GIVEN a link opened (GET) any number of times THEN it still signs in once', async () => {
    const w = await world();
    const token = tokenOf((await issueSignInLink(w.services, ann, false))!);
    for (let i = 0; i < 3; i++) expect(await inspectSignInLink(w.services, token)).toBe('valid');
    const first = await redeemSignInLink(w.services, token);
    expect(first.ok).toBe(true);
    expect(await redeemSignInLink(w.services, token)).toEqual({ ok: false, problem: 'used' });
    expect(await inspectSignInLink(w.services, token)).toBe('used');
    await w.close();
  });

  it('expire after 15 minutes', async () => {
    const w = await world();
    const early = tokenOf((await issueSignInLink(w.services, ann, false))!);
    const late = tokenOf((await issueSignInLink(w.services, ann, false))!);
    w.clock.advance(signInLinkMs - 1);
    expect((await redeemSignInLink(w.services, early)).ok).toBe(true);
    w.clock.advance(1);
    expect(await inspectSignInLink(w.services, late)).toBe('expired');
    expect(await redeemSignInLink(w.services, late)).toEqual({ ok: false, problem: 'expired' });
    await w.close();
  });

  it('refuse a tampered or forged token', async () => {
    const w = await world('a-long-enough-secret-key');
    const token = tokenOf((await issueSignInLink(w.services, ann, false))!);
    const [random, mac] = token.split('.') as [string, string];
    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    for (const bad of [`${flip(random, 5)}.${mac}`, `${random}.${flip(mac, 5)}`, random, `${token}x`, '../../etc/passwd']) {
      expect(await inspectSignInLink(w.services, bad)).toBe('unknown');
      expect(await redeemSignInLink(w.services, bad)).toEqual({ ok: false, problem: 'unknown' });
    }
    // Signed with another key (another deployment's link): refused.
    const other = await world('another-long-secret-key');
    const foreign = tokenOf((await issueSignInLink(other.services, ann, false))!);
    expect(await redeemSignInLink(w.services, foreign)).toEqual({ ok: false, problem: 'unknown' });
    expect((await redeemSignInLink(w.services, token)).ok).toBe(true);
    await Promise.all([w.close(), other.close()]);
  });

  it('without WEAVER_SECRET_KEY keep one random key in the database, so links outlive a restart', async () => {
    const w = await world();
    const token = tokenOf((await issueSignInLink(w.services, ann, false))!);
    const stored = await w.db
      .selectFrom('bot_state' as never)
      .selectAll()
      .execute();
    expect(JSON.stringify(stored)).toContain('web_secret_key');
    expect((await redeemSignInLink(w.services, token)).ok).toBe(true);
    await w.close();
  });
});

describe('sessions', () => {
  it('last 12 hours, carry the identity that asked, and are stored hashed', async () => {
    const w = await world();
    const token = tokenOf((await issueSignInLink(w.services, ann, true))!);
    const redeemed = await redeemSignInLink(w.services, token);
    if (!redeemed.ok) throw new Error('not redeemed');
    const session = await findSession(w.services, redeemed.sessionToken);
    expect(session).toMatchObject({ user: ann, platformAdmin: true });
    expect(session!.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(await w.db.selectFrom('web_session').selectAll().execute())).not.toContain(redeemed.sessionToken.split('.')[0]);
    w.clock.advance(sessionMs - 1);
    expect(await findSession(w.services, redeemed.sessionToken)).toBeDefined();
    w.clock.advance(1);
    expect(await findSession(w.services, redeemed.sessionToken)).toBeUndefined();
    await w.close();
  });

  it('refuse a tampered cookie', async () => {
    const w = await world();
    const redeemed = await redeemSignInLink(w.services, tokenOf((await issueSignInLink(w.services, ann, false))!));
    if (!redeemed.ok) throw new Error('not redeemed');
    expect(await findSession(w.services, `${redeemed.sessionToken.slice(0, -2)}AA`)).toBeUndefined();
    expect(await findSession(w.services, tokenOf((await issueSignInLink(w.services, ann, false))!))).toBeUndefined();
    await w.close();
  });
});

describe('the answers that carry a link', () => {
  it('info, stats and list give the asker a link, for their eyes only', async () => {
    const w = await world();
    await w.run('admin', 'create outreach Outreach');
    for (const line of ['list', 'info outreach', 'stats outreach']) {
      const reply = await w.run('ann', line);
      expect(reply.visibility).toBe('caller');
      expect(reply.text).toMatch(/Open the web pages \(https:\/\/weaver\.example\/sign-in\/\S+\): your personal sign-in link/);
    }
    expect(await w.db.selectFrom('web_sign_in').select('user_id').execute()).toEqual([{ user_id: 'ann' }, { user_id: 'ann' }, { user_id: 'ann' }]);
    await w.close();
  });

  it('me forget deletes the links and sessions of the one who forgets', async () => {
    const w = await world();
    await w.run('admin', 'create outreach Outreach');
    await w.run('ann', 'join outreach');
    const url = /https:\/\/weaver\.example\/sign-in\/\S+?(?=\))/.exec((await w.run('ann', 'list')).text)![0];
    const redeemed = await redeemSignInLink(w.services, tokenOf(url));
    if (!redeemed.ok) throw new Error('not redeemed');
    expect((await w.run('ann', 'me forget confirm:yes')).refusal).toBeUndefined();
    expect(await w.db.selectFrom('web_session').selectAll().execute()).toEqual([]);
    expect(await findSession(w.services, redeemed.sessionToken)).toBeUndefined();
    await w.close();
  });
});
