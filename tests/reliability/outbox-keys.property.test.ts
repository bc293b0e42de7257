import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommunity, linkHomeChannel } from '../../src/communities/communities.js';
import type { ChannelRef } from '../../src/kernel/identity.js';
import { enqueue } from '../../src/delivery/outbox.js';
import { channelKey, enqueuePrompt, ensurePromptBank, listPrompts } from '../../src/rhythms/prompts.js';
import { createTestWorld, type TestWorld } from '../support/harness.js';

// Outbox keys name one post to one destination: distinct occurrences and destinations never share a row, and the
// same occurrence enqueued again (a retried tick, a restart) never adds one. fast-check prints its seed on failure.

let world: TestWorld;
beforeAll(async () => {
  world = await createTestWorld();
});
afterAll(async () => {
  await world?.close();
});

const id = (prefix: string) =>
  fc.string({ unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789'.split('')), minLength: 3, maxLength: 9 }).map((s) => prefix + s);
const channel: fc.Arbitrary<ChannelRef> = fc.oneof(
  fc.record({ platform: fc.constant('slack' as const), workspaceId: id('T'), channelId: id('C') }),
  fc.record({
    platform: fc.constant('discord' as const),
    workspaceId: fc.bigInt({ min: 10n ** 17n, max: 10n ** 18n }).map(String),
    channelId: fc.bigInt({ min: 10n ** 17n, max: 10n ** 18n }).map(String),
  }),
);
const channels = fc.uniqueArray(channel, { minLength: 1, maxLength: 5, selector: (c) => `${c.platform}|${c.workspaceId}` });
const occurrences = fc.uniqueArray(
  fc.oneof(
    fc
      .tuple(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }))
      .map(([rhythm, at]) => ({ key: `${rhythm}:${at}`, at })),
    fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }).map((at) => ({ key: `now:${at}`, at })),
  ),
  { minLength: 1, maxLength: 4, selector: (o) => o.key },
);

let run = 0;

describe('outbox keys', () => {
  it('one prompt row per occurrence and home channel; enqueuing again adds none', async () => {
    await fc.assert(
      fc.asyncProperty(channels, occurrences, async (homes, occs) => {
        run++;
        const now = world.clock.now();
        const community = (await createCommunity(world.db, { slug: `c${run}`, name: `C ${run}` }, now))!;
        // One home per workspace (a later link replaces it); channel ids unique per run: a channel is the home of one community.
        const own = homes.map((home) => ({ ...home, channelId: `${home.channelId}${run}` }));
        for (const home of own) await linkHomeChannel(world.db, community, home, now);
        await ensurePromptBank(world.db, community.id, now);
        const [prompt] = await listPrompts(world.db, community.id, now);
        const keys = new Set<string>();
        for (let pass = 0; pass < 2; pass++) {
          for (const occ of occs) {
            for (const key of await enqueuePrompt(world.db, community, prompt!, { key: occ.key, at: occ.at, expiresAt: occ.at + 3_600_000 }, now))
              keys.add(key);
          }
        }
        expect(keys.size).toBe(own.length * occs.length);
        const rows = await world.db
          .selectFrom('outbox')
          .select(['key', 'channel_id', 'workspace_id', 'platform'])
          .where('key', 'in', [...keys])
          .execute();
        expect(rows).toHaveLength(own.length * occs.length);
        // Each row goes where its key says.
        for (const row of rows) expect(row.key.endsWith(`:${row.platform}:${row.workspace_id}:${row.channel_id}`)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('channel keys are injective over platform, workspace and channel', () => {
    fc.assert(
      fc.property(channel, channel, (a, b) => {
        const same = a.platform === b.platform && a.workspaceId === b.workspaceId && a.channelId === b.channelId;
        expect(channelKey(a) === channelKey(b)).toBe(same);
      }),
      { numRuns: 500 },
    );
  });

  it('a second enqueue of the same key keeps the first row and its text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        async (suffix, first, second) => {
          const key = `property:${run++}:${suffix}`;
          const target = { channel: { platform: 'console' as const, workspaceId: 'local', channelId: 'general' } };
          const now = world.clock.now();
          const a = await enqueue(world.db, { key, target, reply: { sections: [{ body: [{ text: first }] }] } as never, notBefore: now }, now);
          const b = await enqueue(world.db, { key, target, reply: { sections: [{ body: [{ text: second }] }] } as never, notBefore: now }, now);
          expect(a.created).toBe(true);
          expect(b).toEqual({ id: a.id, created: false });
          const rows = await world.db.selectFrom('outbox').select('reply').where('key', '=', key).execute();
          expect(rows).toHaveLength(1);
          expect(rows[0]!.reply).toContain(JSON.stringify(first));
        },
      ),
      { numRuns: 100 },
    );
  });
});
