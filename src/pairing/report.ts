import type { Field, Section } from '../kernel/reply.js';
import type { Community } from '../storage/schema.js';
import type { Services } from '../storage/services.js';
import type { Db } from '../storage/database.js';
import { previousRoundOutcome } from './rounds.js';
import { tallyRounds } from './groups.js';
import { countParticipants } from './participants.js';

const day = 86_400_000;
const statsWindowDays = 28;

/** Stats: who takes part, the rounds of the last four weeks and how many groups met, and the last round. */
export async function pairingStatsFields({ db }: Services, community: Community, now: number): Promise<readonly Field[]> {
  const taking = await countParticipants(db, community.id);
  const recent = await tallyRounds(db, [community.id], now - statsWindowDays * day, now);
  const all = await tallyRounds(db, [community.id]);
  if (all.rounds === 0) return [{ label: 'Peer exchange', value: [`${taking} taking part; no rounds yet`] }];
  const last = await lastRoundLine(db, community.id);
  return [
    {
      label: 'Peer exchange',
      value: [
        `${taking} taking part; ${recent.rounds} ${recent.rounds === 1 ? 'round' : 'rounds'} in the last 4 weeks, ${recent.groups} groups, ${recent.met} met (${all.rounds} rounds, ${all.met} of ${all.groups} groups met in all)${last ? `; ${last}` : ''}`,
      ],
    },
  ];
}

async function lastRoundLine(db: Db, communityId: number): Promise<string | undefined> {
  const round = await db.selectFrom('pair_round').selectAll().where('community_id', '=', communityId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  if (!round) return undefined;
  const groups = await db.selectFrom('pair_group').select('outcome').where('round_id', '=', round.id).execute();
  const previous = await previousRoundOutcome(db, communityId, round.id);
  return `last round: ${round.participants} took part in ${groups.length} groups, ${groups.filter((g) => g.outcome === 'met').length} met so far${previous ? `; the round before, ${previous.met} of ${previous.groups} met` : ''}`;
}

/** The digest's peer-exchange line: rounds of the week and how many groups met. */
export async function pairingDigestSection({ db }: Services, community: Community, window: { from: number; to: number }): Promise<Section | undefined> {
  const tally = await tallyRounds(db, [community.id], window.from, window.to);
  if (tally.rounds === 0) return undefined;
  return {
    title: 'Peer exchange',
    body: [
      `${tally.rounds} ${tally.rounds === 1 ? 'round' : 'rounds'} this week: ${tally.groups} ${tally.groups === 1 ? 'group' : 'groups'}, ${tally.met} met so far. Opt in with /cop pair join ${community.slug}.`,
    ],
  };
}

/** The export's peer-exchange part, as Markdown lines: counts only, never who or what they wrote in `about`. */
export async function pairingExportLines({ db }: Services, community: Community): Promise<string[]> {
  const all = await tallyRounds(db, [community.id]);
  if (all.rounds === 0) return [];
  const taking = await countParticipants(db, community.id);
  return [
    `## Peer exchange`,
    '',
    `${taking} taking part. ${all.rounds} ${all.rounds === 1 ? 'round' : 'rounds'}, ${all.groups} groups: ${all.met} met, ${all.notMet} did not, ${all.groups - all.met - all.notMet} did not say.`,
    '',
  ];
}

/** For the members page: a member's part in the peer exchange, without their `about`. */
export async function describePairingOf(db: Db, communityId: number, memberId: number): Promise<string> {
  const taking = await db
    .selectFrom('pair_participant')
    .select(['role', 'paused_rounds'])
    .where('community_id', '=', communityId)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  const groups = await db
    .selectFrom('pair_group_member as gm')
    .innerJoin('pair_group as g', 'g.id', 'gm.group_id')
    .select('g.outcome')
    .where('gm.member_id', '=', memberId)
    .where('gm.community_id', '=', communityId)
    .execute();
  const met = groups.filter((g) => g.outcome === 'met').length;
  const part = taking ? `${taking.role}${taking.paused_rounds ? ' (paused)' : ''}` : 'not taking part';
  return groups.length ? `${part}; ${groups.length} ${groups.length === 1 ? 'group' : 'groups'}, ${met} met` : part;
}
