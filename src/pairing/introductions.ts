import type { UserRef } from '../kernel/identity.js';
import { answer, bold, code, joinRich, mention, rich, type Reply, type RichText } from '../kernel/reply.js';
import type { PairRole } from '../storage/pairing-schema.js';
import type { Community, Tier } from '../storage/schema.js';

// What the people of a round read: the introduction, the halfway reminder, the note to someone alone, the summary.

export type IntroducedPerson = Readonly<{ user: UserRef; name: string | null; tier: Tier; role: PairRole; about: string | null }>;

export function outcomeButtons(groupId: number) {
  return [
    { label: 'We met', command: `pair met ${groupId} yes`, style: 'primary' as const },
    { label: 'Not this time', command: `pair met ${groupId} no` },
  ];
}

function describePerson(person: IntroducedPerson): RichText {
  const role = person.role === 'peer' ? '' : `, ${person.role}`;
  return rich`• ${mention(person.user, person.name)} (${person.tier}${role})${person.about ? ` — ${person.about}` : ''}`;
}

export function introductionReply(community: Community, groupId: number, people: readonly IntroducedPerson[], reason?: string, question?: string): Reply {
  return answer(rich`👋 ${bold(`Peer exchange · ${community.name}`)}: meet each other this round!`, {
    visibility: 'channel',
    sections: [
      { body: joinRich(people.map(describePerson), '\n') },
      ...(reason ? [{ body: [`Why you were matched: ${reason}.`] }] : []),
      ...(question ? [{ body: [`A first question: “${question}”`] }] : []),
      {
        body: rich`Find a time that suits you all. When you have met, or if it did not work out this time, say so with a button (or ${code(`/cop pair met ${groupId} yes`)}).`,
      },
    ],
    buttons: outcomeButtons(groupId),
  });
}

export function halfwayReminderReply(community: Community, groupId: number): Reply {
  return answer(rich`⏰ Halfway to the next ${bold(community.name)} peer-exchange round: have you met yet?`, {
    visibility: 'channel',
    sections: [{ body: ['There is still time. Tell us how it went with a button; this is the only reminder.'] }],
    buttons: outcomeButtons(groupId),
  });
}

export function aloneReply(community: Community): Reply {
  return answer(
    rich`🤝 You were the only one from your workspace in this ${bold(community.name)} peer-exchange round, so there was nobody to meet this time. You are first in line next round.`,
    { visibility: 'channel' },
  );
}

export type RoundSummary = Readonly<{ participants: number; groups: number; previous?: { groups: number; met: number } }>;

export function describeRoundSummary(summary: RoundSummary): string {
  const last = summary.previous
    ? ` Last round, ${summary.previous.met} of ${summary.previous.groups} ${summary.previous.groups === 1 ? 'group' : 'groups'} met.`
    : '';
  return `${summary.participants} took part in ${summary.groups} ${summary.groups === 1 ? 'group' : 'groups'}.${last}`;
}

export function summaryReply(community: Community, summary: RoundSummary): Reply {
  return answer(
    rich`🤝 ${bold(`Peer-exchange round · ${community.name}`)}: ${describeRoundSummary(summary)} Opt in with ${code(`/cop pair join ${community.slug}`)}.`,
    {
      visibility: 'channel',
    },
  );
}
