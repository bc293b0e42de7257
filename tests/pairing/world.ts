import type { UserRef } from '../../src/kernel/identity.js';
import type { PlatformPort, PostedMessage } from '../../src/kernel/ports.js';
import type { Reply } from '../../src/kernel/reply.js';
import { renderPlainText } from '../../src/kernel/render-text.js';
import { createScheduler } from '../../src/scheduler/scheduler.js';
import { createTestWorld } from '../support/harness.js';
import { createRecordingPort } from '../support/recording-port.js';

export type RecordedGroup = { users: string[]; text: string; reply: Reply; near?: string; conversationId: string };

/** The recording port, with group conversations: each opened conversation is recorded and gets its own id. */
export function createGroupPort() {
  const fake = createRecordingPort('console');
  const groups: RecordedGroup[] = [];
  const port: PlatformPort = {
    ...fake.port,
    async openGroupConversation(users: readonly UserRef[], reply: Reply, options: { near?: { channelId: string } }): Promise<PostedMessage> {
      const conversationId = `G${groups.length + 1}`;
      groups.push({ users: users.map((u) => u.userId), text: renderPlainText(reply), reply, near: options.near?.channelId, conversationId });
      return { messageId: `intro-${groups.length}`, conversationId };
    },
  };
  return { ...fake, port, groups };
}

/**
 * A world with one community, `outreach` (coordinator ann, home channel #outreach-home), members `people` who opted
 * in to its peer exchange, and a scheduler on a recording platform with group conversations.
 */
export async function createPairingWorld(options: { now?: string; people?: readonly string[] } = {}) {
  const fake = createGroupPort();
  const world = await createTestWorld({ ports: [fake.port], now: options.now ?? '2026-11-30T10:00:00Z' });
  await world.run('admin', 'create outreach "STEM Outreach"');
  await world.run('admin', 'coordinator outreach ann');
  await world.run('ann', 'link outreach', 'outreach-home');
  for (const person of options.people ?? []) {
    await world.run(person, 'join outreach');
    await world.run(person, 'pair join outreach');
  }
  const scheduler = createScheduler(world.services, { owner: 'test-scheduler' });
  const tickAt = async (at: string | number) => {
    world.clock.set(at);
    return scheduler.tick();
  };
  return { ...world, fake, scheduler, tickAt };
}
