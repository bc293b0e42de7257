import type { Services } from '../storage/services.js';
import type { Db } from '../storage/database.js';
import type { UserRef } from '../kernel/identity.js';
import type { Community } from '../storage/schema.js';
import type { PairMode, PairRound } from '../storage/pairing-schema.js';
import { homeChannels } from '../communities/communities.js';
import { channelRefOf } from '../storage/columns.js';
import { enqueue } from '../delivery/outbox.js';
import { channelKey, listPrompts } from '../rhythms/prompts.js';
import { aloneReply, introductionReply, summaryReply, type IntroducedPerson, type RoundSummary } from './introductions.js';
import { buildHistory, formGroups, formMentoringGroups, pairCost, seededRandom, type MentoringGroup, type PastGroup } from './matching.js';
import { listParticipants, type Participant } from './participants.js';
import { matchTopics } from './topics.js';

const day = 86_400_000;
// Without a rhythm (a round run with `pair now`), the reminder comes after half a week.
const defaultRoundGapMs = 7 * day;
// History older than this many rounds no longer changes who meets whom.
const historyRounds = 104;

export type RoundOptions = Readonly<{ key: string; at: number; size: number; mode: PairMode; nextRoundAt?: number }>;

export type RoundOutcome = Readonly<{
  /** False when this occurrence already made its round: nothing was done again. */
  created: boolean;
  round?: PairRound;
  participants: number;
  groups: number;
  alone: number;
  paused: number;
  /** Outbox keys of the introductions, the notes to those alone, and the summaries. */
  keys: string[];
}>;

export function userRefOfParticipant(p: Participant): UserRef {
  return { platform: p.platform, workspaceId: p.workspace_id, userId: p.user_id };
}

/**
 * Runs one round of a community's peer exchange: groups everyone opted in and not paused, per workspace, and puts
 * the introductions, notes and summary in the outbox. Call it inside a transaction (`services.db` being it): the
 * round's unique key makes a second call for the same occurrence a no-op.
 */
export async function runRound(services: Services, community: Community, options: RoundOptions): Promise<RoundOutcome> {
  const { db } = services;
  const now = services.clock.now();
  const round = await db
    .insertInto('pair_round')
    .values({
      community_id: community.id,
      key: options.key,
      occurrence_at: options.at,
      mode: options.mode,
      size: options.size,
      participants: 0,
      next_round_at: options.nextRoundAt ?? null,
      created_at: now,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!round) return { created: false, participants: 0, groups: 0, alone: 0, paused: 0, keys: [] };

  const everyone = await listParticipants(db, community.id);
  const paused = everyone.filter((p) => p.paused_rounds > 0);
  for (const p of paused) {
    await db
      .updateTable('pair_participant')
      .set({ paused_rounds: p.paused_rounds - 1 })
      .where('community_id', '=', community.id)
      .where('member_id', '=', p.member_id)
      .execute();
  }
  const active = everyone.filter((p) => p.paused_rounds === 0);
  await db.updateTable('pair_round').set({ participants: active.length }).where('id', '=', round.id).execute();

  const history = buildHistory(await pastGroups(db, community.id, round.id));
  const homes = await homeChannels(db, community.id);
  const prompts = await listPrompts(db, community.id, now);
  const remindAt = options.at + Math.floor(((options.nextRoundAt ?? options.at + defaultRoundGapMs) - options.at) / 2);
  const keys: string[] = [];
  let groupCount = 0;
  let aloneCount = 0;

  // People can only be introduced where they can talk: one Slack workspace, one Discord server.
  const byWorkspace = new Map<string, Participant[]>();
  for (const p of active) byWorkspace.set(`${p.platform}:${p.workspace_id}`, [...(byWorkspace.get(`${p.platform}:${p.workspace_id}`) ?? []), p]);
  let partition = 0;
  for (const people of byWorkspace.values()) {
    partition++;
    if (people.length === 1) {
      const [only] = people;
      await db
        .updateTable('pair_participant')
        .set({ waiting_since: options.at })
        .where('community_id', '=', community.id)
        .where('member_id', '=', only!.member_id)
        .execute();
      const key = `pair-alone:${round.id}:${only!.member_id}`;
      await enqueue(db, { key, target: { user: userRefOfParticipant(only!) }, reply: aloneReply(community), notBefore: now, expiresAt: remindAt }, now);
      keys.push(key);
      aloneCount++;
      continue;
    }
    const random = seededRandom(round.id * 7919 + partition);
    const byMember = new Map(people.map((p) => [p.member_id, p]));
    let groups: MentoringGroup[];
    let reasons = new Map<number, string>();
    if (options.mode === 'mentoring') {
      const named = (p: Participant) => ({ memberId: p.member_id, about: p.about, name: p.display_name ?? p.user_id });
      const mentees = people.filter((p) => p.role === 'mentee');
      const mentors = people.filter((p) => p.role === 'mentor');
      const topics = await matchTopics(db, community.id, mentees.map(named), mentors.map(named), now);
      groups = formMentoringGroups({
        mentees: mentees.map((p) => p.member_id),
        mentors: mentors.map((p) => p.member_id),
        peers: people.filter((p) => p.role === 'peer').map((p) => p.member_id),
        size: options.size,
        affinity: (mentee, mentor) => topics.get(mentee)?.get(mentor)?.affinity ?? 0,
        history,
        random,
      });
      reasons = new Map(
        groups.flatMap((group) => {
          if (group.mentor === undefined) return [];
          const found = group.members.map((m) => topics.get(m)?.get(group.mentor!)?.reason).filter((r): r is string => r !== undefined);
          return found.length ? [[group.mentor, [...new Set(found)].join('; ')] as const] : [];
        }),
      );
    } else {
      const ids = people.map((p) => p.member_id);
      groups = formGroups(ids.length, options.size, pairCost(history, ids), random).map((group) => ({ members: group.map((i) => ids[i]!) }));
    }
    const home = homes.find((h) => h.platform === people[0]!.platform && h.workspace_id === people[0]!.workspace_id);
    for (const group of groups) {
      const members = group.members.map((id) => byMember.get(id)!);
      const reason = group.mentor !== undefined ? reasons.get(group.mentor) : undefined;
      const inserted = await db
        .insertInto('pair_group')
        .values({
          round_id: round.id,
          platform: members[0]!.platform,
          workspace_id: members[0]!.workspace_id,
          intro_key: '',
          reason: reason ?? null,
          outcome: null,
          answered_by: null,
          answered_at: null,
          remind_at: remindAt,
          reminded_at: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const introKey = `pair-intro:${inserted.id}`;
      await db.updateTable('pair_group').set({ intro_key: introKey }).where('id', '=', inserted.id).execute();
      await db
        .insertInto('pair_group_member')
        .values(members.map((m) => ({ group_id: inserted.id, member_id: m.member_id, community_id: community.id, role: m.role })))
        .execute();
      const introduced: IntroducedPerson[] = members.map((m) => ({
        user: userRefOfParticipant(m),
        name: m.display_name,
        tier: m.tier,
        role: m.role,
        about: m.about,
      }));
      const question = prompts.length ? prompts[inserted.id % prompts.length]!.text : undefined;
      await enqueue(
        db,
        {
          key: introKey,
          target: { group: introduced.map((p) => p.user), near: home ? channelRefOf(home) : undefined },
          reply: introductionReply(community, inserted.id, introduced, reason, question),
          notBefore: now,
          expiresAt: remindAt,
        },
        now,
      );
      keys.push(introKey);
      groupCount++;
    }
    await db
      .updateTable('pair_participant')
      .set({ waiting_since: null })
      .where('community_id', '=', community.id)
      .where(
        'member_id',
        'in',
        people.map((p) => p.member_id),
      )
      .execute();
  }

  const summary: RoundSummary = { participants: active.length, groups: groupCount, previous: await previousRoundOutcome(db, community.id, round.id) };
  for (const home of homes) {
    const key = `pair-summary:${round.id}:${channelKey(channelRefOf(home))}`;
    await enqueue(db, { key, target: { channel: channelRefOf(home) }, reply: summaryReply(community, summary), notBefore: now, expiresAt: remindAt }, now);
    keys.push(key);
  }
  return { created: true, round, participants: active.length, groups: groupCount, alone: aloneCount, paused: paused.length, keys };
}

/** The groups of the community's recent rounds, each with how many rounds ago it met. */
async function pastGroups(db: Db, communityId: number, exceptRound: number): Promise<PastGroup[]> {
  const rounds = await db
    .selectFrom('pair_round')
    .select('id')
    .where('community_id', '=', communityId)
    .where('id', '!=', exceptRound)
    .orderBy('occurrence_at', 'desc')
    .orderBy('id', 'desc')
    .limit(historyRounds)
    .execute();
  if (rounds.length === 0) return [];
  const ago = new Map(rounds.map((r, i) => [r.id, i + 1]));
  const rows = await db
    .selectFrom('pair_group_member as gm')
    .innerJoin('pair_group as g', 'g.id', 'gm.group_id')
    .select(['g.id as group_id', 'g.round_id', 'gm.member_id'])
    .where(
      'g.round_id',
      'in',
      rounds.map((r) => r.id),
    )
    .execute();
  const groups = new Map<number, { members: number[]; roundsAgo: number }>();
  for (const row of rows) {
    const group = groups.get(row.group_id) ?? { members: [], roundsAgo: ago.get(row.round_id)! };
    group.members.push(row.member_id);
    groups.set(row.group_id, group);
  }
  return [...groups.values()];
}

/** How many of the round before this one's groups met. */
export async function previousRoundOutcome(db: Db, communityId: number, roundId: number): Promise<{ groups: number; met: number } | undefined> {
  const previous = await db
    .selectFrom('pair_round')
    .select('id')
    .where('community_id', '=', communityId)
    .where('id', '<', roundId)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!previous) return undefined;
  const groups = await db.selectFrom('pair_group').select('outcome').where('round_id', '=', previous.id).execute();
  return { groups: groups.length, met: groups.filter((g) => g.outcome === 'met').length };
}
