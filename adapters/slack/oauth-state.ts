import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { InstallURLOptions, StateStore } from '@slack/bolt';
import type { Clock } from '../../src/kernel/clock.js';
import type { Db } from '../../src/storage/database.js';

// As long as Bolt keeps the state cookie: an install started and not finished within it starts again.
export const stateLifetimeMs = 10 * 60_000;

/** Refused by the OAuth redirect with status 400; the code is the one Bolt's own failure page knows. */
export class InvalidStateError extends Error {
  readonly code = 'slack_oauth_invalid_state';
}

/**
 * The OAuth `state`: signed with SLACK_STATE_SECRET (a forged one is refused), dated by Weaver's clock (an old one is
 * refused), and good once (the first redirect spends it in the database; a replay is refused, in any process).
 */
export function createStateStore(db: Db, clock: Clock, stateSecret: string): StateStore {
  const sign = (payload: string) => createHmac('sha256', stateSecret).update(payload).digest('base64url');
  return {
    generateStateParam(installOptions: InstallURLOptions) {
      const payload = Buffer.from(JSON.stringify({ id: randomBytes(16).toString('base64url'), at: clock.now(), options: installOptions })).toString(
        'base64url',
      );
      return Promise.resolve(`${payload}.${sign(payload)}`);
    },
    async verifyStateParam(_now: Date, state: string) {
      const [payload, signature] = state.split('.');
      if (!payload || !signature || !sameText(signature, sign(payload))) throw new InvalidStateError('The install link was not made by this Weaver.');
      const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { id: string; at: number; options: InstallURLOptions };
      const now = clock.now();
      if (now - parsed.at > stateLifetimeMs) throw new InvalidStateError('The install link has expired.');
      await db
        .deleteFrom('slack_oauth_state')
        .where('used_at', '<', now - 2 * stateLifetimeMs)
        .execute();
      const spent = await db
        .insertInto('slack_oauth_state')
        .values({ state_id: parsed.id, used_at: now })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      if (Number(spent.numInsertedOrUpdatedRows ?? 0n) === 0) throw new InvalidStateError('The install link was already used.');
      return parsed.options;
    },
  };
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
