import { homeChannels } from '../communities/communities.js';
import { chunk } from '../kernel/chunk.js';
import { channelRefOf } from '../storage/columns.js';
import type { ChannelRef } from '../kernel/identity.js';
import { enqueueAll } from '../delivery/outbox.js';
import { answer, bold, code, rich, type Reply } from '../kernel/reply.js';
import type { Db } from '../storage/database.js';
import type { Prompt } from '../storage/rhythm-schema.js';
import type { Community, HomeChannel } from '../storage/schema.js';

/** The default bank: what practitioners can answer from their own week, each inviting a story rather than an opinion. */
export const defaultPrompts: readonly { key: string; text: string }[] = [
  { key: 'method-tried', text: 'What is a method you tried recently? What happened, and would you use it again?' },
  { key: 'worked', text: 'Tell us a story of something that worked better than you expected. What made the difference?' },
  { key: 'failed', text: 'Tell us about something that did not work. What did you learn from it?' },
  { key: 'tool', text: 'Which tool, template or checklist saves you the most time? Share it, and how you use it.' },
  { key: 'stuck', text: 'What question are you stuck on right now? Someone here may have been there before.' },
  { key: 'thanks', text: 'Who helped you lately, and how? Say thank you here so we can all learn from what they did.' },
  { key: 'first-time', text: 'What do you wish you had known the first time you did the work you do now?' },
  { key: 'changed-mind', text: 'What have you changed your mind about in your practice, and what changed it?' },
  { key: 'shortcut', text: 'What shortcut or habit would you teach a newcomer on their first day?' },
  { key: 'reading', text: 'What have you read, watched or heard lately that changed how you work? Share the link and one takeaway.' },
  { key: 'small-win', text: 'What small win did you have this week? Tell us the step that got you there.' },
  { key: 'mistake-avoid', text: 'What is a common mistake in our field, and how do you avoid it?' },
  { key: 'experiment', text: 'What experiment would you like to try next? Who wants to try it with you?' },
  { key: 'case', text: 'Describe a recent case or situation in a few lines: the problem, what you did, the result.' },
  { key: 'borrowed', text: 'What practice did you borrow from another team or field, and how did you adapt it?' },
];

/** Adds the default prompts a community does not have yet; run before the bank is read. */
export async function ensurePromptBank(db: Db, communityId: number, now: number): Promise<void> {
  await addMissingDefaults(db, [communityId], now);
}

// Each default is written once per community (its key is unique there); a later release's new defaults join the bank.
async function addMissingDefaults(db: Db, communityIds: readonly number[], now: number, known?: ReadonlyMap<number, readonly Prompt[]>): Promise<boolean> {
  const missing = communityIds.flatMap((communityId) => {
    const keys = new Set(known?.get(communityId)?.map((prompt) => prompt.default_key));
    return defaultPrompts
      .filter((prompt) => !keys.has(prompt.key))
      .map((prompt) => ({ community_id: communityId, text: prompt.text, default_key: prompt.key, created_at: now }));
  });
  for (const batch of chunk(missing, 1000)) {
    await db
      .insertInto('prompt')
      .values(batch)
      .onConflict((oc) => oc.columns(['community_id', 'default_key']).doNothing())
      .execute();
  }
  return missing.length > 0;
}

/** The bank in rotation order: the community's own prompts first, then the defaults, each in the order added. */
export async function listPrompts(db: Db, communityId: number, now: number): Promise<Prompt[]> {
  return (await listPromptBanks(db, [communityId], now)).get(communityId) ?? [];
}

/** Several communities' banks (see listPrompts), read together; the defaults are written only where some are missing. */
async function listPromptBanks(db: Db, communityIds: readonly number[], now: number): Promise<Map<number, Prompt[]>> {
  const read = async () => {
    const banks = new Map<number, Prompt[]>(communityIds.map((communityId) => [communityId, []]));
    const rows = communityIds.length ? await db.selectFrom('prompt').selectAll().where('community_id', 'in', communityIds).orderBy('id').execute() : [];
    for (const prompt of rows) banks.get(prompt.community_id)?.push(prompt);
    return banks;
  };
  let banks = await read();
  if (await addMissingDefaults(db, communityIds, now, banks)) banks = await read();
  for (const [communityId, prompts] of banks)
    banks.set(communityId, [...prompts.filter((p) => p.default_key === null), ...prompts.filter((p) => p.default_key !== null)]);
  return banks;
}

/** The prompt that comes next: the first not yet used in this round, or the first of a new round. */
export function nextPromptOf(prompts: readonly Prompt[]): Prompt | undefined {
  return prompts.find((prompt) => prompt.used_at === null) ?? prompts[0];
}

export async function addPrompt(db: Db, communityId: number, text: string, memberId: number, now: number): Promise<Prompt> {
  return db.insertInto('prompt').values({ community_id: communityId, text, added_by: memberId, created_at: now }).returningAll().executeTakeFirstOrThrow();
}

/** Takes the next prompt and marks it used; when every prompt has been used, a new round begins. Call inside a transaction. */
export async function takeNextPrompt(db: Db, communityId: number, now: number): Promise<Prompt> {
  return (await takeNextPrompts(db, [communityId], now)).get(communityId)!;
}

/** takeNextPrompt for several communities (a tick's due rhythms), in a few statements whatever their number. */
export async function takeNextPrompts(db: Db, communityIds: readonly number[], now: number): Promise<Map<number, Prompt>> {
  const taken = new Map<number, Prompt>();
  const newRound: number[] = [];
  for (const [communityId, prompts] of await listPromptBanks(db, communityIds, now)) {
    const next = prompts.find((prompt) => prompt.used_at === null);
    if (!next) newRound.push(communityId);
    taken.set(communityId, next ?? prompts[0]!);
  }
  if (newRound.length) await db.updateTable('prompt').set({ used_at: null }).where('community_id', 'in', newRound).execute();
  const takenIds = [...taken.values()].map((prompt) => prompt.id);
  if (takenIds.length) await db.updateTable('prompt').set({ used_at: now }).where('id', 'in', takenIds).execute();
  return taken;
}

export function promptReply(community: Community, prompt: Prompt): Reply {
  return answer(
    rich`💬 ${bold(`Share a practice · ${community.name}`)}
${prompt.text}`,
    {
      visibility: 'channel',
      sections: [
        { body: rich`Reply in this thread: each reply is added to the community’s repertoire. Or use ${code(`/cop share ${community.slug} <text>`)}.` },
      ],
    },
  );
}

export function channelKey(channel: ChannelRef): string {
  return `${channel.platform}:${channel.workspaceId}:${channel.channelId}`;
}

export type PromptOccurrence = Readonly<{ key: string; rhythmId?: number; at: number; expiresAt: number }>;

/**
 * Puts a prompt in the outbox for every home channel, remembering each post so that replies in its thread are
 * recorded as practices. `occurrence.key` names the occurrence: `<rhythmId>:<epoch>` or `now:<epoch>`.
 */
export async function enqueuePrompt(
  db: Db,
  community: Community,
  prompt: Prompt,
  occurrence: PromptOccurrence,
  now: number,
  homes?: readonly HomeChannel[],
): Promise<string[]> {
  return enqueuePrompts(db, [{ community, prompt, occurrence, homes: homes ?? (await homeChannels(db, community.id)) }], now);
}

/** enqueuePrompt for many communities' prompts at once (a tick's due rhythms): one insert for the posts, one for the record. */
export async function enqueuePrompts(
  db: Db,
  prompts: readonly { community: Community; prompt: Prompt; occurrence: PromptOccurrence; homes: readonly HomeChannel[] }[],
  now: number,
): Promise<string[]> {
  const posts = prompts.flatMap(({ community, prompt, occurrence, homes }) =>
    homes.map((home) => {
      const channel = channelRefOf(home);
      const key = `prompt:${occurrence.key}:${channelKey(channel)}`;
      const item = { key, target: { channel }, reply: promptReply(community, prompt), notBefore: occurrence.at, expiresAt: occurrence.expiresAt };
      const record = { community_id: community.id, prompt_id: prompt.id, rhythm_id: occurrence.rhythmId ?? null, occurrence_at: occurrence.at };
      return { item, record };
    }),
  );
  const items = posts.map((post) => post.item);
  const queued = await enqueueAll(db, items, now);
  // A post already queued (the same occurrence enqueued twice) is already recorded.
  const records = posts.flatMap((post, i) => (queued[i]!.created ? [{ ...post.record, outbox_id: queued[i]!.id }] : []));
  if (records.length) await db.insertInto('prompt_post').values(records).execute();
  return items.map((item) => item.key);
}
