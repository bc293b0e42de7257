import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { remindUnansweredThreads } from '../../src/harvest/remind.js';
import { createHarvestWorld, slackMessage, slackReaction, type HarvestWorld } from '../support/fixtures.js';

const hour = 3_600_000;
let w: HarvestWorld;
beforeEach(async () => {
  w = await createHarvestWorld({ harvestReminderDelayMs: 24 * hour, now: '2026-11-23T10:00:00Z' });
});
afterEach(() => w.close());

// Slack ts values for 2026-11-23T10:00Z and a little later.
const root = '1795428000.000100';
const reply = '1795428600.000200';
const at = (ts: string) => Math.round(Number(ts) * 1000);
const dms = () => w.slack.dms;

describe('the reminder to mark an answer', () => {
  it('fires once, to the asker, a delay after the first reply', async () => {
    await w.send(slackMessage(root, 'U0ASKER01', 'Who has a spare projector?'));
    expect(await remindUnansweredThreads(w.services)).toBe(0);
    await w.send(slackMessage(reply, 'U0BOB0002', 'The library lends one.', { threadTs: root }));
    w.clock.set(at(reply) + 24 * hour - 1);
    expect(await remindUnansweredThreads(w.services)).toBe(0);
    w.clock.advance(1);
    expect(await remindUnansweredThreads(w.services)).toBe(1);
    expect(dms()).toHaveLength(1);
    expect(dms()[0]).toMatchObject({ userId: 'U0ASKER01' });
    expect(dms()[0]!.text).toContain('react ✅');
    w.clock.advance(72 * hour);
    expect(await remindUnansweredThreads(w.services)).toBe(0);
    expect(dms()).toHaveLength(1);
  });

  it('never fires for a thread whose answer is marked, or one with only the asker’s own replies', async () => {
    await w.send(slackMessage(root, 'U0ASKER01', 'Who has a spare projector?'));
    await w.send(slackMessage('1795428100.000150', 'U0ASKER01', 'Anyone at all?', { threadTs: root }));
    await w.send(slackMessage('1795429000.000100', 'U0ASKER01', 'Is there a form for expenses?'));
    await w.send(slackMessage('1795429100.000200', 'U0BOB0002', 'Yes, on the intranet.', { threadTs: '1795429000.000100' }));
    await w.send(slackReaction('1795429100.000200', 'U0ASKER01', at('1795429100.000200')));
    w.clock.advance(30 * 24 * hour);
    expect(await remindUnansweredThreads(w.services)).toBe(0);
    expect(dms()).toHaveLength(0);
  });

  it('is claimed before it is sent, so two ticks at once send one reminder', async () => {
    await w.send(slackMessage(root, 'U0ASKER01', 'Who has a spare projector?'));
    await w.send(slackMessage(reply, 'U0BOB0002', 'The library lends one.', { threadTs: root }));
    w.clock.advance(48 * hour);
    const counts = await Promise.all([remindUnansweredThreads(w.services), remindUnansweredThreads(w.services)]);
    expect(counts[0] + counts[1]).toBe(1);
    expect(dms()).toHaveLength(1);
  });

  it('forgets threads never harvested after 90 days, and marks whose message never came after 7', async () => {
    await w.send(slackMessage(root, 'U0ASKER01', 'Who has a spare projector?'));
    await w.send(slackReaction('1795429999.000100', 'U0ASKER01', w.clock.now()));
    w.clock.advance(8 * 24 * hour);
    await remindUnansweredThreads(w.services);
    expect(await w.db.selectFrom('harvest_pending_mark').selectAll().execute()).toHaveLength(0);
    expect(await w.db.selectFrom('harvest_thread').selectAll().execute()).toHaveLength(1);
    w.clock.advance(83 * 24 * hour);
    await remindUnansweredThreads(w.services);
    expect(await w.db.selectFrom('harvest_thread').selectAll().execute()).toHaveLength(0);
    expect(await w.db.selectFrom('harvest_message').selectAll().execute()).toHaveLength(0);
  });
});
