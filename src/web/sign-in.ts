import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Platform, UserRef } from '../kernel/identity.js';
import { link, type Section } from '../kernel/reply.js';
import type { Db } from '../storage/database.js';
import { readBotState, writeBotState } from '../storage/bot-state.js';
import type { Services } from '../storage/services.js';

export const signInLinkMs = 15 * 60_000;
export const sessionMs = 12 * 3_600_000;
const secretKeyState = 'web_secret_key';

/** Who a session is: the platform identity that asked for the link, and whether the platform called them an admin. */
export type WebIdentity = Readonly<{ user: UserRef; platformAdmin: boolean }>;

export type Redemption = { ok: true; identity: WebIdentity; sessionToken: string; expiresAt: number } | { ok: false; problem: 'unknown' | 'used' | 'expired' };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const keys = new WeakMap<Db, Promise<Buffer>>();

/** WEAVER_SECRET_KEY when set; otherwise a random key made once and kept in the database, so links survive restarts. */
export function secretKey(services: Pick<Services, 'db' | 'settings' | 'clock'>): Promise<Buffer> {
  const configured = services.settings.secretKey;
  if (configured) return Promise.resolve(createHash('sha256').update(configured).digest());
  let key = keys.get(services.db);
  if (!key) {
    key = (async () => {
      const stored = await readBotState(services.db, secretKeyState);
      if (stored) return Buffer.from(stored, 'base64url');
      const fresh = randomBytes(32);
      await writeBotState(services.db, secretKeyState, fresh.toString('base64url'), services.clock.now());
      // Two first requests at once: whoever wrote last wins, and both read that back.
      return Buffer.from((await readBotState(services.db, secretKeyState))!, 'base64url');
    })();
    keys.set(services.db, key);
  }
  return key;
}

// A link or cookie is `<random>.<mac>`: the mac turns away a forged or altered one before the database is asked.
function sign(key: Buffer, purpose: string, token: string): string {
  return createHmac('sha256', key).update(`${purpose}:${token}`).digest('base64url');
}

function seal(key: Buffer, purpose: string, token: string): string {
  return `${token}.${sign(key, purpose, token)}`;
}

function unseal(key: Buffer, purpose: string, sealed: string): string | undefined {
  const match = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(sealed);
  if (!match) return undefined;
  const expected = Buffer.from(sign(key, purpose, match[1]!));
  const given = Buffer.from(match[2]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? match[1] : undefined;
}

/** A personal link, valid for 15 minutes and once; only its hash is stored. */
export async function issueSignInLink(services: Services, user: UserRef, platformAdmin: boolean): Promise<string | undefined> {
  const base = services.settings.publicUrl;
  if (!base) return undefined;
  const key = await secretKey(services);
  const token = randomBytes(32).toString('base64url');
  const now = services.clock.now();
  await services.db
    .insertInto('web_sign_in')
    .values({
      token_hash: sha256(token),
      platform: user.platform,
      workspace_id: user.workspaceId,
      user_id: user.userId,
      platform_admin: platformAdmin ? 1 : 0,
      created_at: now,
      expires_at: now + signInLinkMs,
    })
    .execute();
  // Links nobody opened pile up otherwise; a day after expiry they tell nothing.
  await services.db
    .deleteFrom('web_sign_in')
    .where('expires_at', '<', now - 86_400_000)
    .execute();
  return `${base.replace(/\/+$/, '')}/sign-in/${seal(key, 'sign-in', token)}`;
}

/** What the confirmation page (GET) needs: whether the link would still work. Spends nothing. */
export async function inspectSignInLink(services: Services, sealed: string): Promise<'valid' | 'unknown' | 'used' | 'expired'> {
  const token = unseal(await secretKey(services), 'sign-in', sealed);
  if (!token) return 'unknown';
  const row = await services.db.selectFrom('web_sign_in').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
  if (!row) return 'unknown';
  if (row.used_at !== null) return 'used';
  return row.expires_at <= services.clock.now() ? 'expired' : 'valid';
}

/** The sign-in button (POST): spends the link, once, and starts a 12-hour session. */
export async function redeemSignInLink(services: Services, sealed: string): Promise<Redemption> {
  const key = await secretKey(services);
  const token = unseal(key, 'sign-in', sealed);
  if (!token) return { ok: false, problem: 'unknown' };
  const now = services.clock.now();
  return services.db.transaction().execute(async (trx) => {
    // Spent by a conditional update: of two clicks at once, one changes the row and the other finds it used.
    const spent = await trx
      .updateTable('web_sign_in')
      .set({ used_at: now })
      .where('token_hash', '=', sha256(token))
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
    if (!spent) {
      const row = await trx.selectFrom('web_sign_in').select(['used_at']).where('token_hash', '=', sha256(token)).executeTakeFirst();
      return { ok: false as const, problem: !row ? ('unknown' as const) : row.used_at !== null ? ('used' as const) : ('expired' as const) };
    }
    const sessionToken = randomBytes(32).toString('base64url');
    const expiresAt = now + sessionMs;
    await trx
      .insertInto('web_session')
      .values({
        token_hash: sha256(sessionToken),
        platform: spent.platform,
        workspace_id: spent.workspace_id,
        user_id: spent.user_id,
        platform_admin: spent.platform_admin,
        created_at: now,
        expires_at: expiresAt,
      })
      .execute();
    await trx.deleteFrom('web_session').where('expires_at', '<', now).execute();
    return {
      ok: true as const,
      identity: identityOf(spent),
      sessionToken: seal(key, 'session', sessionToken),
      expiresAt,
    };
  });
}

/** The identity of a session cookie's value, while the session lasts. */
export async function findSession(services: Services, sealed: string): Promise<(WebIdentity & { csrf: string }) | undefined> {
  const key = await secretKey(services);
  const token = unseal(key, 'session', sealed);
  if (!token) return undefined;
  const row = await services.db
    .selectFrom('web_session')
    .selectAll()
    .where('token_hash', '=', sha256(token))
    .where('expires_at', '>', services.clock.now())
    .executeTakeFirst();
  // The form token is derived from the session, so a page from another site cannot know it.
  return row ? { ...identityOf(row), csrf: sign(key, 'csrf', token) } : undefined;
}

export async function endSession(services: Services, sealed: string): Promise<void> {
  const token = unseal(await secretKey(services), 'session', sealed);
  if (token) await services.db.deleteFrom('web_session').where('token_hash', '=', sha256(token)).execute();
}

function identityOf(row: { platform: Platform; workspace_id: string; user_id: string; platform_admin: number }): WebIdentity {
  return { user: { platform: row.platform, workspaceId: row.workspace_id, userId: row.user_id }, platformAdmin: row.platform_admin === 1 };
}

/** The part of an answer (info, stats, list) that carries the asker's own sign-in link; none without PUBLIC_URL. */
export async function signInSection(services: Services, caller: { user: UserRef; isPlatformAdmin: boolean }): Promise<Section | undefined> {
  const url = await issueSignInLink(services, caller.user, caller.isPlatformAdmin);
  return url ? { body: [link(url, 'Open the web pages'), ': your personal sign-in link, for you only, valid for 15 minutes and once.'] } : undefined;
}
