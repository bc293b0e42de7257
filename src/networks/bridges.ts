import { findCommunityById } from '../communities/communities.js';
import { userRefOf } from '../storage/columns.js';
import { enqueue } from '../delivery/outbox.js';
import { findWhoKnows } from '../harvest/who.js';
import { shorten, threadChannel } from '../harvest/posts.js';
import { findHarvestMessage } from '../harvest/store.js';
import { answer, bold, channelMention, joinRich, link, mention, rich, type Field, type RichText } from '../kernel/reply.js';
import type { CoreSettings } from '../kernel/settings.js';
import { plural } from '../kernel/words.js';
import type { Db } from '../storage/database.js';
import type { Community, HarvestThread, Member } from '../storage/schema.js';
import type { Services } from '../storage/services.js';
import { isNetwork } from './networks.js';

const day = 86_400_000;
export const defaultBridgeDelayMs = day;
export const maxBridged = 3;
// A question older than this past its delay is not bridged: after a restart with BRIDGE_DELAY newly set, or after
// downtime, a month-old question is better left than sent to strangers.
const lateWindowMs = 7 * day;
const batchSize = 20;

/** BRIDGE_DELAY: undefined in settings means the default (24h), null means off. */
export function bridgeDelayOf(settings: CoreSettings): number | null {
  return settings.bridgeDelayMs === undefined ? defaultBridgeDelayMs : settings.bridgeDelayMs;
}

export type BridgePerson = Readonly<{ member: Member; community: Community; sameNetwork: boolean }>;

/**
 * Up to three people from other communities who answered or shared practice about the question's words, by the
 * `who` ranking (so never anyone with privacy off), those of the same network first. Never the asker, anyone
 * already in the thread, or a member of the question's own community (they can see it already).
 */
export async function findBridgePeople(services: Services, thread: HarvestThread, question: string): Promise<BridgePerson[]> {
  const { db } = services;
  const home = await findCommunityById(db, thread.community_id);
  if (!home) return [];
  const sameNetwork = await networkNeighbours(db, home);
  const excluded = await excludedMembers(db, thread);
  const experts = await findWhoKnows(db, question, { now: services.clock.now() });
  const found: { member: Member; communityId: number; sameNetwork: boolean; rank: number }[] = [];
  experts.forEach((expert, rank) => {
    const member = expert.member;
    if (excluded.has(member.id) || member.privacy_on !== 1 || !services.platforms.has(userRefOf(member).platform)) return;
    const elsewhere = expert.contributions.filter((hit) => hit.communityId !== home.id);
    if (elsewhere.length === 0) return;
    const near = elsewhere.find((hit) => sameNetwork.has(hit.communityId));
    found.push({ member, communityId: (near ?? elsewhere[0]!).communityId, sameNetwork: near !== undefined, rank });
  });
  const chosen = found.sort((a, b) => Number(b.sameNetwork) - Number(a.sameNetwork) || a.rank - b.rank).slice(0, maxBridged);
  const people: BridgePerson[] = [];
  for (const pick of chosen) {
    const community = await findCommunityById(db, pick.communityId);
    if (community) people.push({ member: pick.member, community, sameNetwork: pick.sameNetwork });
  }
  return people;
}

/** The communities of the same network as `community` (a network's own communities, when it is one). */
async function networkNeighbours(db: Db, community: Community): Promise<Set<number>> {
  const networkId = isNetwork(community) ? community.id : community.network_id;
  if (networkId === null) return new Set();
  const rows = await db.selectFrom('community').select('id').where('network_id', '=', networkId).execute();
  return new Set([networkId, ...rows.map((row) => row.id)].filter((id) => id !== community.id));
}

async function excludedMembers(db: Db, thread: HarvestThread): Promise<Set<number>> {
  const [inThread, members] = await Promise.all([
    db.selectFrom('harvest_message').select('member_id').where('thread_id', '=', thread.id).execute(),
    db.selectFrom('membership').select('member_id').where('community_id', '=', thread.community_id).execute(),
  ]);
  return new Set([thread.asker_member_id, ...inThread.map((row) => row.member_id), ...members.map((row) => row.member_id)]);
}

/**
 * One scheduler tick: each question in a home channel with no reply after BRIDGE_DELAY is bridged, once. The bridge
 * row (keyed by the thread) is written in the same transaction as the note and direct messages are queued, with
 * outbox keys per thread and person: a second process or a restart finds the row and queues nothing.
 */
export async function bridgeUnansweredQuestions(services: Services, now: number): Promise<string[]> {
  const delay = bridgeDelayOf(services.settings);
  if (delay === null) return [];
  const due = await services.db
    .selectFrom('harvest_thread')
    .leftJoin('bridge', 'bridge.thread_id', 'harvest_thread.id')
    .selectAll('harvest_thread')
    .where('bridge.thread_id', 'is', null)
    .where('harvest_thread.first_reply_at', 'is', null)
    .where('harvest_thread.harvested_at', 'is', null)
    .where('harvest_thread.asked_at', '<=', now - delay)
    .where('harvest_thread.asked_at', '>', now - delay - lateWindowMs)
    .orderBy('harvest_thread.asked_at')
    .limit(batchSize)
    .execute();
  const keys: string[] = [];
  for (const thread of due) {
    try {
      keys.push(...(await bridgeThread(services, thread, now)));
    } catch (error) {
      services.log.warn({ err: error, threadId: thread.id }, 'could not bridge a question');
    }
  }
  return keys;
}

async function bridgeThread(services: Services, thread: HarvestThread, now: number): Promise<string[]> {
  const question = (await findHarvestMessage(services.db, threadChannel(thread), thread.root_message_id))?.text;
  const home = await findCommunityById(services.db, thread.community_id);
  const people = question && home ? await findBridgePeople(services, thread, question) : [];
  return services.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('bridge')
      .values({ thread_id: thread.id, bridged_at: now })
      .onConflict((oc) => oc.doNothing())
      .returning('thread_id')
      .executeTakeFirst();
    // Nobody fits: the question is marked as looked at, and nothing is posted.
    if (!claimed || people.length === 0 || !question || !home) return [];
    await trx
      .insertInto('bridge_person')
      .values(people.map((p) => ({ thread_id: thread.id, member_id: p.member.id, community_id: p.community.id })))
      .onConflict((oc) => oc.doNothing())
      .execute();
    const keys: string[] = [];
    const noteKey = `bridge:${thread.id}:note`;
    await enqueue(
      trx,
      {
        key: noteKey,
        target: { channel: threadChannel(thread) },
        threadOf: thread.root_message_id,
        reply: bridgeNote(people),
        notBefore: now,
        expiresAt: now + day,
      },
      now,
    );
    keys.push(noteKey);
    for (const person of people) {
      const key = `bridge:${thread.id}:dm:${person.member.id}`;
      await enqueue(
        trx,
        { key, target: { user: userRefOf(person.member) }, reply: bridgeMessage(thread, home, person, question), notBefore: now, expiresAt: now + day },
        now,
      );
      keys.push(key);
    }
    return keys;
  });
}

function bridgeNote(people: readonly BridgePerson[]) {
  const named = joinRich(
    people.map((p): RichText => [mention(userRefOf(p.member), p.member.display_name), ` (${p.community.name})`]),
    ', ',
  );
  return answer(
    rich`No reply yet, so this question is bridged to people from other communities who have answered or shared practice about it: ${named}. Each has been sent a message with a link here.`,
    { visibility: 'channel' },
  );
}

function bridgeMessage(thread: HarvestThread, home: Community, person: BridgePerson, question: string) {
  const where = thread.permalink ? link(thread.permalink, 'Open the thread') : channelMention(threadChannel(thread));
  return answer(
    rich`A question in ${bold(home.name)} has had no reply yet, and you have answered or shared practice about it in ${bold(person.community.name)}:
“${shorten(question, 300)}”
${where}. If you can help, reply in its thread; if your reply is marked as the answer, it joins ${home.name}’s knowledge base.`,
  );
}

/** Stats: questions bridged, and the marked answers given by someone a bridge named. */
export async function bridgeStatsFields(services: Services, communityIds: readonly number[]): Promise<Field[]> {
  if (communityIds.length === 0) return [];
  const { db } = services;
  const bridged = await db
    .selectFrom('bridge')
    .innerJoin('harvest_thread', 'harvest_thread.id', 'bridge.thread_id')
    .innerJoin('bridge_person', 'bridge_person.thread_id', 'bridge.thread_id')
    .select((eb) => eb.fn.count<number>('bridge.thread_id').distinct().as('n'))
    .where('harvest_thread.community_id', 'in', communityIds)
    .executeTakeFirst();
  const answered = await db
    .selectFrom('harvest_thread')
    .innerJoin('harvest_message', (join) => join.onRef('harvest_message.thread_id', '=', 'harvest_thread.id').on('harvest_message.role', '=', 'answer'))
    .innerJoin('bridge_person', (join) =>
      join.onRef('bridge_person.thread_id', '=', 'harvest_thread.id').onRef('bridge_person.member_id', '=', 'harvest_message.member_id'),
    )
    .select((eb) => eb.fn.count<number>('harvest_thread.id').distinct().as('n'))
    .where('harvest_thread.community_id', 'in', communityIds)
    .where('harvest_thread.harvested_at', 'is not', null)
    .executeTakeFirst();
  const questions = Number(bridged?.n ?? 0);
  const answers = Number(answered?.n ?? 0);
  return [
    {
      label: 'Bridged answers',
      value: [
        questions
          ? `${answers} of ${plural(questions, 'question')} bridged to other communities answered by someone the bridge named`
          : 'no questions bridged yet',
      ],
    },
  ];
}
