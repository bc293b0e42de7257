import type { Db } from '../storage/database.js';
import { findWhoKnows } from '../harvest/who.js';
import { queryTerms } from '../harvest/search.js';

// How well a mentor fits a mentee: the words of their `about`s, and the mentor's answers and shared practice found by
// the knowledge search for the mentee's `about` (the same index as /cop search and /cop who).

// Words that say nothing about a topic; the search index keeps them, a topic match must not count them.
const stopWords = new Set(
  (
    'a about after again all also am an and any are as at be been being but by can could do does doing for from get had has have how i if in into is ' +
    'it its just learn learning like me more most my new no not of on one or other our out over share so some talk than that the their them then there ' +
    'these they this those to up us want was we were what when where which while who why will with would you your'
  ).split(' '),
);

export function topicWords(text: string | null): string[] {
  return text ? queryTerms(text).filter((word) => word.length > 2 && !stopWords.has(word)) : [];
}

// A light stem, so that “evaluating” meets “evaluation”: the search index stems too, but `about`s are not in it.
const suffixes = ['ings', 'ing', 'ions', 'ion', 'ers', 'er', 'es', 'ed', 's', 'e'];
export function stemOf(word: string): string {
  const suffix = suffixes.find((end) => word.endsWith(end) && word.length - end.length >= 4);
  return suffix ? word.slice(0, -suffix.length) : word;
}

export type TopicMatch = Readonly<{ affinity: number; reason?: string }>;

type Person = Readonly<{ memberId: number; about: string | null; name: string }>;

/** For each mentee, each mentor's affinity (0 to 100) and the reason to give in the introduction. */
export async function matchTopics(
  db: Db,
  communityId: number,
  mentees: readonly Person[],
  mentors: readonly Person[],
  now: number,
): Promise<Map<number, Map<number, TopicMatch>>> {
  const result = new Map<number, Map<number, TopicMatch>>();
  const mentorWords = new Map(mentors.map((mentor) => [mentor.memberId, new Set(topicWords(mentor.about).map(stemOf))]));
  for (const mentee of mentees) {
    const words = topicWords(mentee.about);
    const byMentor = new Map<number, TopicMatch>();
    const experts = words.length ? await findWhoKnows(db, words.join(' '), { communityId, now }) : [];
    for (const mentor of mentors) {
      const shared = words.filter((word) => mentorWords.get(mentor.memberId)!.has(stemOf(word)));
      const expert = experts.find((e) => e.member.id === mentor.memberId);
      const affinity = Math.min(100, shared.length * 30 + Math.min(40, (expert?.weight ?? 0) * 10));
      const reason = shared.length
        ? `you both wrote about ${listWords(shared)}`
        : expert
          ? `${mentor.name} has ${describeContributions(expert)} about ${listWords(words.filter((word) => expert.contributions.some((hit) => hit.text.toLowerCase().includes(word))).slice(0, 3))}`
          : undefined;
      byMentor.set(mentor.memberId, { affinity, reason });
    }
    result.set(mentee.memberId, byMentor);
  }
  return result;
}

function describeContributions(expert: { answers: number; practices: number; replies: number }): string {
  const parts = [
    expert.answers ? `answered ${expert.answers === 1 ? 'a question' : `${expert.answers} questions`}` : '',
    expert.practices ? `shared ${expert.practices === 1 ? 'a practice' : `${expert.practices} practices`}` : '',
    !expert.answers && !expert.practices && expert.replies ? 'replied in threads' : '',
  ].filter(Boolean);
  return parts.join(' and ') || 'contributed';
}

function listWords(words: readonly string[]): string {
  const shown = words.slice(0, 3);
  if (shown.length === 0) return 'the same topic';
  return shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}
