import { PassThrough } from 'node:stream';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { startWeaver } from '../../src/app/start.js';
import { silentLog, tempDatabasePath } from '../support/harness.js';
import { createWebWorld, outreachScene } from './web-world.js';

let web: Awaited<ReturnType<typeof createWebWorld>>;
beforeAll(async () => {
  web = await createWebWorld();
  await web.type(outreachScene);
});
afterAll(() => web.close());

async function signIn(user: string): Promise<string> {
  const { url } = await web.linkFrom(user, 'list');
  const response = await fetch(url, { method: 'POST', redirect: 'manual' });
  expect(response.status).toBe(303);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

describe('the web pages over HTTP', () => {
  it('serve nothing but sign-in, health and calendars without a session', async () => {
    for (const path of [
      '/',
      '/communities/outreach',
      '/communities/outreach/knowledge?q=x',
      '/communities/outreach/members',
      '/communities/outreach/members.csv',
      '/communities/outreach/charts/members-by-tier.csv',
    ]) {
      const response = await fetch(`${web.base}${path}`);
      expect(response.status, path).toBe(401);
      expect(await response.text()).toContain('/cop list');
    }
    // Health and calendar routes are mounted by the app beside these; none of the web routes answers them.
    expect((await fetch(`${web.base}/healthz`)).status).toBe(404);
  });

  it('send a strict Content-Security-Policy and the other security headers, and no script', async () => {
    const cookie = await signIn('ann');
    const response = await fetch(`${web.base}/communities/outreach`, { headers: { cookie } });
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('same-origin');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const page = await response.text();
    expect(page.match(/<script|style="|<style|\son\w+="/gi)).toBeNull();
    expect(page).toContain('<meta name="viewport"');
  });

  it('sign in with a cookie that is HttpOnly, SameSite=Lax, 12 hours, and Secure only under https', async () => {
    const { url } = await web.linkFrom('ann', 'list');
    const response = await fetch(url, { method: 'POST', redirect: 'manual' });
    expect(response.headers.get('set-cookie')).toMatch(/^weaver_session=[\w-]+\.[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
  });

  it('refuse a sign-in posted from another site, and spend nothing', async () => {
    const { url } = await web.linkFrom('ann', 'list');
    const forged = await fetch(url, { method: 'POST', redirect: 'manual', headers: { origin: 'https://evil.example' } });
    expect(forged.status).toBe(403);
    expect((await fetch(url, { method: 'POST', redirect: 'manual' })).status).toBe(303);
  });

  it('a HEAD or GET of the link, as a link preview does, spends nothing; an expired link says how to get a new one', async () => {
    const { url } = await web.linkFrom('ann', 'list');
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(url)).status).toBe(200);
    web.clock.advance(15 * 60_000);
    const expired = await fetch(url);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('This link has expired');
    web.clock.set('2026-11-23T10:00:00Z');
  });

  it('sign out only with the form token of the session', async () => {
    const cookie = await signIn('ann');
    const without = await fetch(`${web.base}/sign-out`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'csrf=wrong',
    });
    expect(without.status).toBe(403);
    expect((await fetch(`${web.base}/`, { headers: { cookie } })).status).toBe(200);
    const page = await (await fetch(`${web.base}/`, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const out = await fetch(`${web.base}/sign-out`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: `csrf=${csrf}`,
    });
    expect(out.status).toBe(200);
    expect((await fetch(`${web.base}/`, { headers: { cookie } })).status).toBe(401);
  });

  it('let admins and coordinators see the members, others get 403', async () => {
    expect((await fetch(`${web.base}/communities/outreach/members`, { headers: { cookie: await signIn('admin') } })).status).toBe(200);
    expect((await fetch(`${web.base}/communities/outreach/members.csv`, { headers: { cookie: await signIn('cora') } })).status).toBe(200);
    expect((await fetch(`${web.base}/communities/outreach/members.csv`, { headers: { cookie: await signIn('bob') } })).status).toBe(403);
    expect((await fetch(`${web.base}/communities/nowhere`, { headers: { cookie: await signIn('bob') } })).status).toBe(404);
  });

  it('escape what people typed', async () => {
    await web.type(['share outreach <script>alert(1)</script> & <b>bold</b>']);
    const page = await (await fetch(`${web.base}/communities/outreach/knowledge`, { headers: { cookie: await signIn('ann') } })).text();
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(page).not.toContain('<script>');
  });
});

describe('npm start with no tokens', () => {
  it('serves the web pages beside the console, and the console prints sign-in links to them', async () => {
    const loaded = loadConfig({ DATABASE_PATH: tempDatabasePath(), PORT: '0' });
    if (!loaded.ok) throw new Error(loaded.errors.join());
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const weaver = await startWeaver(loaded.config, { log: silentLog, console: { input, output } });
    input.end('create outreach Outreach\nlist\n');
    await weaver.finished;
    const url = /Open the web pages \((http:\/\/localhost:(\d+)\/sign-in\/\S+)\)/.exec(text);
    expect(Number(url?.[2])).toBe(weaver.httpPort);
    const signedIn = await fetch(url![1]!, { method: 'POST', redirect: 'manual' });
    expect(signedIn.status).toBe(303);
    const directory = await fetch(`http://localhost:${weaver.httpPort}/`, { headers: { cookie: signedIn.headers.get('set-cookie')!.split(';')[0]! } });
    expect(await directory.text()).toContain('Outreach');
    expect((await fetch(`http://localhost:${weaver.httpPort}/healthz`)).status).toBe(200);
    await weaver.stop();
  });

  it('opens the console all the same when PORT is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const port = (blocker.address() as { port: number }).port;
    const loaded = loadConfig({ DATABASE_PATH: tempDatabasePath(), PORT: String(port) });
    if (!loaded.ok) throw new Error(loaded.errors.join());
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString()));
    const weaver = await startWeaver(loaded.config, { log: silentLog, console: { input, output } });
    expect(weaver.httpPort).toBeUndefined();
    input.end('create outreach Outreach\n');
    await weaver.finished;
    await weaver.stop();
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    expect(text).toContain('Created Outreach (outreach)');
  });
});
