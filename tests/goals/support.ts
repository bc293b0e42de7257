import { findCommunityBySlug } from '../../src/communities/communities.js';
import { ensureMember } from '../../src/communities/members.js';
import { markAnswer, recordQuestionThread, recordReply } from '../../src/harvest/store.js';
import type { ChannelRef } from '../../src/kernel/identity.js';
import type { PlatformPort } from '../../src/kernel/ports.js';
import type { Community } from '../../src/storage/schema.js';
import { createTestWorld, type TestWorld } from '../support/harness.js';
import { createRecordingPort } from '../support/recording-port.js';

export const home: ChannelRef = { platform: 'console', workspaceId: 'local', channelId: 'general' };
export const user = (userId: string) => ({ platform: 'console' as const, workspaceId: 'local', userId });
export const day = 86_400_000;

/**
 * A console world whose platform records posts, with STEM Outreach linked to #general, Cora coordinating it and
 * Ann and Bob as members. Admin is a Weaver admin; Zoe belongs to no community.
 */
export async function createGoalWorld(options: { now?: string; databasePath?: string; ports?: PlatformPort[] } = {}) {
  const console = createRecordingPort('console');
  const world = await createTestWorld({ ...options, ports: [console.port, ...(options.ports ?? [])] });
  await expectOk(world, 'admin', 'create outreach "STEM Outreach"');
  await expectOk(world, 'admin', 'link outreach');
  await expectOk(world, 'admin', 'coordinator outreach cora');
  await expectOk(world, 'ann', 'join outreach');
  await expectOk(world, 'bob', 'join outreach tier:core');
  const community = (await findCommunityBySlug(world.db, 'outreach'))!;
  return { ...world, console, community };
}

export type GoalWorld = Awaited<ReturnType<typeof createGoalWorld>>;

export async function expectOk(world: TestWorld, who: string, line: string, channel?: string) {
  const reply = await world.run(who, line, channel);
  if (reply.refusal) throw new Error(`${line} was refused: ${reply.text}`);
  return reply;
}

/** Sets a goal as Cora and returns its id, read from the reply's `#<number>`. */
export async function addGoal(world: TestWorld, line: string): Promise<number> {
  const reply = await expectOk(world, 'cora', `goal add outreach ${line}`);
  const id = /Set goal #(\d+)/.exec(reply.text)?.[1];
  if (!id) throw new Error(`no goal id in: ${reply.text}`);
  return Number(id);
}

/** A question asked in the home channel and its answer marked: one harvested answer, at the world's time. */
export async function harvestOne(world: TestWorld, community: Community, n: number): Promise<void> {
  const now = world.clock.now();
  const asker = await ensureMember(world.db, user('ann'), 'ann', now);
  const answerer = await ensureMember(world.db, user('bob'), 'bob', now);
  const thread = (await recordQuestionThread(world.db, {
    communityId: community.id,
    channel: home,
    rootMessageId: `q${n}`,
    askerMemberId: asker.id,
    text: `Question ${n}?`,
    at: now,
    source: 'ask',
  }))!;
  const reply = (await recordReply(world.db, thread, { messageId: `a${n}`, memberId: answerer.id, text: `Answer ${n}`, at: now }))!;
  await markAnswer(world.db, thread, reply, { markerMemberId: asker.id, markedAt: now }, now);
}

/** The line `goal list` shows for one goal: `#3 …: 1 of 2 (50%), by …, on track`. */
export async function goalLineOf(world: TestWorld, id: number): Promise<string> {
  const listed = await expectOk(world, 'ann', 'goal list outreach');
  const line = listed.text.split('\n').find((l) => l.startsWith(`#${id} `));
  if (!line) throw new Error(`goal #${id} not in: ${listed.text}`);
  return line;
}

export const celebrations = (world: GoalWorld) => world.console.posts.filter((post) => post.text.includes('Goal reached'));
