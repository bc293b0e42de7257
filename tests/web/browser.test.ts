import { readFile } from 'node:fs/promises';
import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebWorld, outreachScene } from './web-world.js';

// One browser for the file: a real headless Chromium that came with npm install (@sparticuz/chromium).
let browser: Browser;
// One context too: @sparticuz/chromium runs Chromium as a single process, which closing a context would end.
let context: BrowserContext;
let web: Awaited<ReturnType<typeof createWebWorld>>;

beforeAll(async () => {
  [browser, web] = await Promise.all([
    chromium.launch({ executablePath: await sparticuz.executablePath(), args: sparticuz.args, headless: true }),
    createWebWorld(),
  ]);
  context = await browser.newContext();
  await web.type(outreachScene);
}, 120_000);

beforeEach(() => context.clearCookies());

afterAll(async () => {
  await browser?.close();
  await web?.close();
});

/** The "Label: value" lines of a stats answer. */
function statsLines(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^ {2}([^:\n]+): (.+)$/gm)].map((m) => [m[1]!, m[2]!]));
}

describe('the web pages in a browser', () => {
  it('signs in with a link from stats, shows the directory and a community whose numbers match stats, and spends the link', async () => {
    const { url, text } = await web.linkFrom('ann', 'stats outreach');
    const page = await context.newPage();

    const opened = await page.goto(url);
    expect(opened?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Sign in to Weaver');
    // Opening the link spent nothing: it can be opened again (as a chat app's preview would).
    expect((await page.reload())?.status()).toBe(200);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${web.base}/`);

    const card = page.locator('li.card', { hasText: 'STEM Outreach' });
    await expect.poll(() => card.textContent()).toContain('Dr Ada Lovelace');
    const cardText = (await card.textContent())!;
    expect(cardText).toContain('potential');
    expect(cardText).toContain('1 core, 3 wider');
    expect(cardText).toContain('Reaching new audiences with hands-on science');
    expect(cardText).toContain('#general (console)');
    expect(cardText).toContain('Autumn debrief');
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'weaver_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false });

    await card.getByRole('link', { name: 'STEM Outreach' }).click();
    await page.waitForURL(`${web.base}/communities/outreach`);
    expect(await page.locator('figure.chart svg').count()).toBeGreaterThanOrEqual(5);
    for (const title of [
      'Members by tier',
      'Joins and leaves per week',
      'Practices shared per week',
      'Questions asked and answered per week',
      'RSVPs per event',
    ]) {
      await expect.poll(() => page.getByRole('heading', { name: title }).count()).toBe(1);
    }
    // The numbers beside the charts are those of /cop stats, line for line.
    const shown = new Map<string, string>();
    for (const row of await page.locator('#stats dt').all()) {
      shown.set((await row.textContent())!, (await row.locator('xpath=following-sibling::dd[1]').textContent())!);
    }
    const stats = statsLines(text);
    expect(stats.size).toBeGreaterThanOrEqual(5);
    for (const [label, value] of stats) expect(shown.get(label)).toBe(value);
    expect(stats.get('Members')).toBe('1 core, 3 wider');
    expect(await page.locator('#members-by-tier figcaption').textContent()).toContain('Now: 1 core, 3 wider.');
    // A data table beside each chart.
    expect(await page.locator('#members-by-tier table tbody tr').last().locator('td').allTextContents()).toEqual([expect.any(String), '1', '3']);

    // A chart's CSV download.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#members-by-tier').getByRole('link', { name: 'Download CSV' }).click()]);
    const csv = await readFile(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('Week from,Core,Wider');
    expect(csv.trim().split('\r\n').at(-1)).toMatch(/,1,3$/);

    // The knowledge base, searched.
    await page.getByRole('link', { name: 'Knowledge' }).click();
    await page.getByRole('searchbox').fill('borrow microscopes');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/knowledge\?q=borrow\+microscopes/);
    const hits = (await page.locator('ol.hits').textContent())!;
    expect(hits).toContain('The university lends them for free');

    // A plain member does not see the members page.
    expect(await page.getByRole('link', { name: 'Members' }).count()).toBe(0);
    const members = await page.goto(`${web.base}/communities/outreach/members`);
    expect(members?.status()).toBe(403);
    expect((await page.goto(`${web.base}/communities/outreach/members.csv`).catch(() => undefined))?.status() ?? 403).toBe(403);

    // The link, used once, is spent: a second use gets a page that says how to get a new one.
    await context.clearCookies();
    const response = await page.goto(url);
    expect(response?.status()).toBe(410);
    expect(await page.locator('h1').textContent()).toBe('This link has been used');
    expect(await page.locator('main').textContent()).toContain('/cop list');
    await page.close();
  }, 90_000);

  it('shows a coordinator the members with their contributions, never naming someone with privacy off, as CSV too', async () => {
    await web.type([':as bob', 'me privacy off']);
    const { url } = await web.linkFrom('cora', 'info outreach');
    const page = await context.newPage();
    await page.goto(url);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${web.base}/`);
    await page.goto(`${web.base}/communities/outreach/members`);
    const rows = await Promise.all((await page.locator('#members tbody tr').all()).map((row) => row.locator('td').allTextContents()));
    expect(rows).toHaveLength(4);
    expect(rows.find((row) => row[0] === 'ann')).toEqual(['ann', 'wider', '23 Nov 2026', '1', '0', '23 Nov 2026', 'not taking part']);
    expect(rows.flat()).not.toContain('bob');
    expect(rows.find((row) => row[0] === 'A member (name kept private)')).toEqual([
      'A member (name kept private)',
      'wider',
      '23 Nov 2026',
      '0',
      '1',
      '23 Nov 2026',
      'not taking part',
    ]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    const csv = await readFile(await download.path(), 'utf8');
    expect(csv).toContain('Member,Tier,Joined,Practices,Answers,Last contribution,Peer exchange');
    expect(csv).not.toContain('bob');
    // Signing out ends the session.
    await page.getByRole('button', { name: 'Sign out' }).click();
    expect(await page.locator('h1').textContent()).toBe('You are signed out');
    expect((await page.goto(`${web.base}/`))?.status()).toBe(401);
    await page.close();
  }, 90_000);
});
