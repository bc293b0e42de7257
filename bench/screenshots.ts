// `npx tsx bench/screenshots.ts`: screenshots of the main web pages into docs/screenshots/, for the README.
// The data is the web benchmark's community (a year of activity) at a smaller size, and two more communities.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sparticuz from '@sparticuz/chromium';
import { chromium } from 'playwright-core';
import { createHttpServer, listen } from '../src/app/http.js';
import { manualClock } from '../src/kernel/clock.js';
import { openMigratedDatabase } from '../src/storage/database.js';
import { webRoutes } from '../src/web/routes.js';
import { issueSignInLink } from '../src/web/sign-in.js';
import { benchDir } from './lib/report.js';
import { benchDatabasePath, benchServices, removeBenchDatabase, silentLog } from './lib/services.js';
import { fill } from './web.js';

const out = join(benchDir, '..', 'docs', 'screenshots');
mkdirSync(out, { recursive: true });
const path = benchDatabasePath('screenshots');
await (await openMigratedDatabase(path)).destroy();
fill(path, 400);
const db = await openMigratedDatabase(path);
await db
  .updateTable('community')
  .set({ slug: 'outreach', name: 'STEM Outreach', domain: 'Reaching new audiences with hands-on science', sponsor: 'Dr Ada Lovelace' })
  .execute();
await db
  .insertInto('community')
  .values([
    {
      slug: 'evaluation',
      name: 'Evaluation Practice',
      domain: 'Measuring the impact of public engagement',
      sponsor: 'Prof. Grace Hopper',
      status: 'preparing',
      created_at: 0,
      updated_at: 0,
    },
    {
      slug: 'data-stewards',
      name: 'Data Stewards',
      domain: 'Looking after research data, from plan to archive',
      status: 'potential',
      created_at: 0,
      updated_at: 0,
    },
  ])
  .execute();
await db.insertInto('coordinator').values({ community_id: 1, member_id: 2, added_at: 0 }).execute();
const services = benchServices(db, manualClock('2026-11-23T10:00:00Z'));
const server = createHttpServer(webRoutes({ services }), silentLog);
const base = { url: `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}` };
const link = (await issueSignInLink(
  { ...services, settings: { ...services.settings, publicUrl: base.url } },
  { platform: 'slack', workspaceId: 'T1', userId: 'U1' },
  true,
))!;

const browser = await chromium.launch({ executablePath: await sparticuz.executablePath(), args: sparticuz.args, headless: true });
const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
await page.goto(link);
await page.screenshot({ path: join(out, 'sign-in.png') });
await page.getByRole('button', { name: 'Sign in' }).click();
await page.waitForURL(`${base.url}/`);
await page.screenshot({ path: join(out, 'directory.png'), fullPage: true });
await page.goto(`${base.url}/communities/outreach`);
await page.screenshot({ path: join(out, 'community.png'), fullPage: true });
await page.goto(`${base.url}/communities/outreach/knowledge?q=exit+survey`);
await page.screenshot({ path: join(out, 'knowledge.png') });
await page.goto(`${base.url}/communities/outreach/members`);
await page.screenshot({ path: join(out, 'members.png') });
await page.setViewportSize({ width: 390, height: 844 });
await page.goto(`${base.url}/communities/outreach`);
await page.screenshot({ path: join(out, 'community-phone.png') });
await browser.close();
await new Promise<void>((resolve) => server.close(() => resolve()));
await db.destroy();
removeBenchDatabase(path);
console.log(`Screenshots written to ${out}`);
