import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findMember } from '../../src/communities/members.js';
import { searchKnowledge } from '../../src/harvest/search.js';
import { findWhoKnows } from '../../src/harvest/who.js';
import { rememberDirectMessageChannel } from '../../src/storage/direct-message-channels.js';
import { createHarvestWorld, slackHome, slackMessage, slackReaction, slackUser, type HarvestWorld } from '../support/fixtures.js';

let w: HarvestWorld;
beforeEach(async () => {
  w = await createHarvestWorld();
});
afterEach(() => w.close());

let sequence = 100;
const nextTs = () => `1732360000.${String(++sequence).padStart(6, '0')}`;

/** A question thread by `asker` whose reply by `answerer` is marked as the answer, plus other replies. */
async function harvestThread(asker: string, question: string, answerer: string, answerText: string, others: [string, string][] = []) {
  const root = nextTs();
  await w.send(slackMessage(root, asker, question));
  const answerTs = nextTs();
  await w.send(slackMessage(answerTs, answerer, answerText, { threadTs: root }));
  for (const [user, text] of others) await w.send(slackMessage(nextTs(), user, text, { threadTs: root }));
  await w.send(slackReaction(answerTs, asker, w.clock.now()));
  return root;
}

const whoNames = async (topic: string) => (await findWhoKnows(w.db, topic, { now: w.clock.now() })).map((e) => e.member.user_id);

describe('who', () => {
  it('counts a marked answer for the words of its question too', async () => {
    await harvestThread('U0ASK0001', 'How do you get teachers to sign up for workshops?', 'U0BOB0002', 'Send the head a one-page plan and a date.');
    expect(await whoNames('teachers workshops')).toEqual(['U0BOB0002']);
  });

  it('ranks the member with the most matching marked answers first, and never lists privacy off or forgotten members', async () => {
    await harvestThread('U0ASK0001', 'How do we recruit volunteers?', 'U0BOB0002', 'Volunteers come through friends: ask each one to bring one.', [
      ['U0ANN0003', 'Posters in the student union found us volunteers too.'],
    ]);
    await harvestThread('U0ASK0001', 'How do we thank volunteers?', 'U0ANN0003', 'A volunteers dinner at the end of term.');
    await harvestThread('U0ASK0005', 'Where do volunteers park?', 'U0ANN0003', 'Volunteers park behind the lab.');
    await harvestThread('U0ASK0005', 'Who trains new volunteers?', 'U0FAY0004', 'I run the volunteers induction.');
    await w.runAs(slackUser('U0PAT0006'), 'share outreach Our volunteers rota lives in a shared calendar.');

    const ranked = await whoNames('volunteers');
    expect(ranked[0]).toBe('U0ANN0003');
    expect(new Set(ranked.slice(1, 3))).toEqual(new Set(['U0BOB0002', 'U0FAY0004']));
    expect(ranked[3]).toBe('U0PAT0006');
    const reply = await w.runAs(slackUser('U0ASK0001'), 'who volunteers community:outreach');
    expect(reply.text).toContain('2 marked answers');

    expect((await w.runAs(slackUser('U0PAT0006'), 'me privacy off')).refusal).toBeUndefined();
    expect((await w.runAs(slackUser('U0FAY0004'), 'forget-me confirm:yes')).refusal).toBeUndefined();
    expect(await whoNames('volunteers')).toEqual(['U0ANN0003', 'U0BOB0002']);
    expect((await w.runAs(slackUser('U0ASK0001'), 'who volunteers')).text).not.toMatch(/u0pat0006|u0fay0004/i);
  });
});

describe('privacy', () => {
  it('privacy off drops what was kept but not yet harvested, and keeps their later messages out', async () => {
    const root = nextTs();
    await w.send(slackMessage(root, 'U0ASK0001', 'Which microscope should we buy?'));
    await w.send(slackMessage(nextTs(), 'U0PAT0006', 'The Swift SW380T is sturdy.', { threadTs: root }));
    const reply = await w.runAs(slackUser('U0PAT0006'), 'privacy off');
    expect(reply.text).toContain('Harvesting is off for you (privacy off)');
    await w.send(slackMessage(nextTs(), 'U0PAT0006', 'Also the Amscope ones.', { threadTs: root }));
    const pat = (await findMember(w.db, slackUser('U0PAT0006')))!;
    expect(await w.db.selectFrom('harvest_message').selectAll().where('member_id', '=', pat.id).execute()).toHaveLength(0);
    await w.runAs(slackUser('U0PAT0006'), 'me privacy on');
    await w.send(slackMessage(nextTs(), 'U0PAT0006', 'Or borrow one from the school.', { threadTs: root }));
    expect(await w.db.selectFrom('harvest_message').selectAll().where('member_id', '=', pat.id).execute()).toHaveLength(1);
  });

  it('keeps what was harvested before privacy went off, but never names its author', async () => {
    await harvestThread('U0ASK0001', 'Which bus company is reliable?', 'U0BOB0002', 'Greenline buses were always on time.');
    expect((await w.runAs(slackUser('U0ZED0009'), 'search greenline')).text).toContain('@u0bob0002');
    await w.runAs(slackUser('U0BOB0002'), 'privacy off');
    const after = await w.runAs(slackUser('U0ZED0009'), 'search greenline');
    expect(after.text).toContain('Greenline');
    expect(after.text).toContain('— answered by a member,');
    expect(after.text).not.toContain('u0bob0002');
    const [answer] = await w.db.selectFrom('harvest_message').selectAll().where('role', '=', 'answer').execute();
    // An edit after privacy went off: the new words are not stored, and the old ones go.
    await w.send({ kind: 'edited', channel: slackHome, messageId: answer!.message_id, text: 'Greenline, but book early.', at: w.clock.now() });
    expect((await w.runAs(slackUser('U0ZED0009'), 'search greenline')).text).toContain('Nothing found');
  });

  it('keeps a harvested question and its answers when its asker, with privacy off, edits it', async () => {
    await harvestThread('U0ASK0001', 'Which museum takes school groups?', 'U0BOB0002', 'The science museum has free slots.');
    await w.runAs(slackUser('U0ASK0001'), 'privacy off');
    const [question] = await w.db.selectFrom('harvest_message').selectAll().where('role', '=', 'question').execute();
    await w.send({ kind: 'edited', channel: slackHome, messageId: question!.message_id, text: 'Which museum? (typo fixed)', at: w.clock.now() });
    const found = await w.runAs(slackUser('U0ZED0009'), 'search museum school groups');
    expect(found.text).toContain('The science museum has free slots.');
    expect(found.text).toContain('Which museum takes school groups?');
    expect(found.text).not.toContain('typo fixed');
  });

  it('forget-me asks first, then removes every trace from every table and from search', async () => {
    const fay = slackUser('U0FAY0004');
    await w.runAs(fay, 'join outreach tier:core');
    await w.makeCoordinator(w.community, fay, 'fay');
    await w.runAs(fay, 'share outreach Zanzibar-style story circles work for shy pupils.');
    await harvestThread('U0FAY0004', 'Has anyone tried quokka puppets?', 'U0BOB0002', 'Yes, the puppets worked well.');
    await harvestThread('U0ASK0001', 'Which glue is safe for kids?', 'U0FAY0004', 'Xylophone-grade PVA glue is safe.', [['U0FAY0004', 'And washable.']]);
    await w.send(slackReaction('1732369999.000001', 'U0FAY0004', w.clock.now()));
    const member = (await findMember(w.db, fay))!;
    await rememberDirectMessageChannel(w.db, fay, 'D0FAY0004', w.clock.now());

    const asked = await w.runAs(fay, 'forget-me');
    expect(asked.text).toContain('cannot be undone');
    expect(asked.buttons[0]).toMatchObject({ command: 'me forget confirm:yes', style: 'danger' });
    expect(await findMember(w.db, fay)).toBeDefined();

    const done = await w.runAs(fay, asked.buttons[0]!.command);
    expect(done.refusal).toBeUndefined();
    expect(await findMember(w.db, fay)).toBeUndefined();
    const byMember = async (table: 'membership' | 'membership_change' | 'coordinator' | 'practice' | 'harvest_message') =>
      w.db.selectFrom(table).selectAll().where('member_id', '=', member.id).execute();
    for (const table of ['membership', 'membership_change', 'coordinator', 'practice', 'harvest_message'] as const) {
      expect(await byMember(table), table).toHaveLength(0);
    }
    expect(await w.db.selectFrom('harvest_thread').selectAll().where('asker_member_id', '=', member.id).execute()).toHaveLength(0);
    expect(await w.db.selectFrom('harvest_thread').selectAll().where('marked_by_member_id', '=', member.id).execute()).toHaveLength(0);
    expect(await w.db.selectFrom('direct_message_channel').selectAll().where('user_id', '=', 'U0FAY0004').execute()).toHaveLength(0);
    expect(await w.db.selectFrom('harvest_pending_mark').selectAll().where('user_id', '=', 'U0FAY0004').execute()).toHaveLength(0);
    for (const word of ['zanzibar', 'quokka', 'puppets', 'xylophone', 'washable']) {
      expect((await searchKnowledge(w.db, word, { now: w.clock.now() })).hits, word).toHaveLength(0);
    }
    expect((await w.runAs(slackUser('U0ASK0001'), 'search xylophone glue')).text).not.toContain('Xylophone');
  });
});
