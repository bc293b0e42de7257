import { sql } from 'kysely';
import { userColumns, userRefOf } from '../storage/columns.js';
import type { Db } from '../storage/database.js';
import type { Member } from '../storage/schema.js';
import { deleteNotesOf } from '../goals/goals.js';

type Transaction = Parameters<Parameters<ReturnType<Db['transaction']>['execute']>[0]>[0];

/** One kind of thing stored about a member, and how to delete it. A table that holds member data adds one line here. */
export type ForgetStep = Readonly<{ what: string; run(trx: Transaction, member: Member): Promise<bigint | number> }>;

const deleted = (result: { numDeletedRows: bigint }) => result.numDeletedRows;

// In order: what refers to the member goes before the member row itself.
export const forgetSteps: readonly ForgetStep[] = [
  {
    what: 'answer marks not yet matched to a message',
    run: async (trx, m) =>
      deleted(
        await trx
          .deleteFrom('harvest_pending_mark')
          .where((eb) => eb.and(userColumns(userRefOf(m))))
          .executeTakeFirst(),
      ),
  },
  // The outbox keeps what it posted (the question by `ask`, and the hint, notice and reminder about its thread).
  {
    what: 'posts of your questions and the notes about them',
    run: async (trx, m) =>
      deleted(
        await trx
          .deleteFrom('outbox')
          .where((eb) =>
            eb.or([
              eb('key', 'like', `ask:${m.id}:%`),
              eb(
                'key',
                'in',
                eb
                  .selectFrom('harvest_thread')
                  .select(
                    sql<string>`'harvest-' || kinds.kind || ':' || platform || ':' || workspace_id || ':' || channel_id || ':' || root_message_id`.as('key'),
                  )
                  .innerJoin(sql<{ kind: string }>`(select 'hint' as kind union all select 'harvested' union all select 'reminder')`.as('kinds'), (join) =>
                    join.onTrue(),
                  )
                  .where('asker_member_id', '=', m.id),
              ),
            ]),
          )
          .where('id', 'not in', (eb) => eb.selectFrom('prompt_post').select('outbox_id'))
          .where('id', 'not in', (eb) => eb.selectFrom('event_post').select('outbox_id'))
          .executeTakeFirst(),
      ),
  },
  // A question's thread goes with it, as when the asker deletes the question on the platform.
  {
    what: 'questions you asked',
    run: async (trx, m) => deleted(await trx.deleteFrom('harvest_thread').where('asker_member_id', '=', m.id).executeTakeFirst()),
  },
  {
    what: 'harvested messages you wrote',
    run: async (trx, m) => deleted(await trx.deleteFrom('harvest_message').where('member_id', '=', m.id).executeTakeFirst()),
  },
  {
    what: 'answers you marked (the answers stay, without your name)',
    run: async (trx, m) =>
      (await trx.updateTable('harvest_thread').set({ marked_by_member_id: null }).where('marked_by_member_id', '=', m.id).executeTakeFirst()).numUpdatedRows,
  },
  { what: 'practices you shared', run: async (trx, m) => deleted(await trx.deleteFrom('practice').where('member_id', '=', m.id).executeTakeFirst()) },
  { what: 'coordinator roles', run: async (trx, m) => deleted(await trx.deleteFrom('coordinator').where('member_id', '=', m.id).executeTakeFirst()) },
  // The introductions name everyone in the group and their `about`: they go with any one of them.
  {
    what: 'peer-exchange introductions you were in',
    run: async (trx, m) =>
      deleted(
        await trx
          .deleteFrom('outbox')
          .where('key', 'in', (eb) =>
            eb.selectFrom('pair_group_member as gm').innerJoin('pair_group as g', 'g.id', 'gm.group_id').select('g.intro_key').where('gm.member_id', '=', m.id),
          )
          .executeTakeFirst(),
      ),
  },
  {
    what: 'peer-exchange pairing history',
    run: async (trx, m) => deleted(await trx.deleteFrom('pair_group_member').where('member_id', '=', m.id).executeTakeFirst()),
  },
  {
    what: 'peer-exchange opt-ins',
    run: async (trx, m) => deleted(await trx.deleteFrom('pair_participant').where('member_id', '=', m.id).executeTakeFirst()),
  },
  { what: 'membership history', run: async (trx, m) => deleted(await trx.deleteFrom('membership_change').where('member_id', '=', m.id).executeTakeFirst()) },
  { what: 'memberships', run: async (trx, m) => deleted(await trx.deleteFrom('membership').where('member_id', '=', m.id).executeTakeFirst()) },
  { what: 'notes you logged against goals', run: (trx, m) => deleteNotesOf(trx, m.id) },
  { what: 'your answers to events', run: async (trx, m) => deleted(await trx.deleteFrom('rsvp').where('member_id', '=', m.id).executeTakeFirst()) },
  {
    what: 'direct messages to you, sent or waiting',
    run: async (trx, m) =>
      deleted(
        await trx
          .deleteFrom('outbox')
          .where((eb) => eb.and(userColumns(userRefOf(m))))
          .executeTakeFirst(),
      ),
  },
  {
    what: 'the direct-message channel remembered for you',
    run: async (trx, m) =>
      deleted(
        await trx
          .deleteFrom('direct_message_channel')
          .where((eb) => eb.and(userColumns(userRefOf(m))))
          .executeTakeFirst(),
      ),
  },
  {
    what: 'questions you were bridged to',
    run: async (trx, m) => deleted(await trx.deleteFrom('bridge_person').where('member_id', '=', m.id).executeTakeFirst()),
  },
  {
    what: 'web sign-in links and sessions',
    run: async (trx, m) => {
      const links = await trx
        .deleteFrom('web_sign_in')
        .where('platform', '=', m.platform)
        .where('workspace_id', '=', m.workspace_id)
        .where('user_id', '=', m.user_id)
        .executeTakeFirst();
      const sessions = await trx
        .deleteFrom('web_session')
        .where('platform', '=', m.platform)
        .where('workspace_id', '=', m.workspace_id)
        .where('user_id', '=', m.user_id)
        .executeTakeFirst();
      return links.numDeletedRows + sessions.numDeletedRows;
    },
  },
  { what: 'your member record', run: async (trx, m) => deleted(await trx.deleteFrom('member').where('id', '=', m.id).executeTakeFirst()) },
];

export type ForgetReport = readonly { what: string; count: number }[];

/** Deletes everything stored about the member, in one transaction: all of it, or (on failure) none of it. */
export async function forgetMember(db: Db, member: Member): Promise<ForgetReport> {
  return db.transaction().execute(async (trx) => {
    const report: { what: string; count: number }[] = [];
    for (const step of forgetSteps) report.push({ what: step.what, count: Number(await step.run(trx, member)) });
    return report;
  });
}

/** What forgetting would delete, for the confirmation: counts of the member's own records. */
export async function countMemberData(db: Db, member: Member): Promise<{ memberships: number; practices: number; messages: number; questions: number }> {
  const count = async (table: 'membership' | 'practice' | 'harvest_message', column: 'member_id') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where(column, '=', member.id)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const questions = Number(
    (
      await db
        .selectFrom('harvest_thread')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('asker_member_id', '=', member.id)
        .executeTakeFirstOrThrow()
    ).n,
  );
  return {
    memberships: await count('membership', 'member_id'),
    practices: await count('practice', 'member_id'),
    messages: await count('harvest_message', 'member_id'),
    questions,
  };
}

/** Privacy off also drops what was kept but not yet harvested: it would otherwise be harvested after the choice. */
export async function setPrivacy(db: Db, memberId: number, on: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('member')
      .set({ privacy_on: on ? 1 : 0 })
      .where('id', '=', memberId)
      .execute();
    if (on) return;
    await trx.deleteFrom('harvest_thread').where('asker_member_id', '=', memberId).where('harvested_at', 'is', null).execute();
    await trx.deleteFrom('harvest_message').where('member_id', '=', memberId).where('harvested', '=', 0).execute();
  });
}
