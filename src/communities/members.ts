import { userColumns } from '../storage/columns.js';
import type { UserRef } from '../kernel/identity.js';
import type { Db } from '../storage/database.js';
import type { Member } from '../storage/schema.js';

export async function findMember(db: Db, user: UserRef): Promise<Member | undefined> {
  return db
    .selectFrom('member')
    .selectAll()
    .where((eb) => eb.and(userColumns(user)))
    .executeTakeFirst();
}

/** The member row for a platform user, created on first sight; a newer display name replaces the old. */
export async function ensureMember(db: Db, user: UserRef, displayName: string | undefined, now: number): Promise<Member> {
  // Someone already known, under the same name, costs no write: commands that only read keep answering when the
  // database refuses writes (read-only, full, locked by another writer).
  const known = await findMember(db, user);
  if (known && (displayName === undefined || known.display_name === displayName)) return known;
  return db
    .insertInto('member')
    .values({ ...userColumns(user), display_name: displayName ?? null, created_at: now })
    .onConflict((oc) =>
      oc.columns(['platform', 'workspace_id', 'user_id']).doUpdateSet((eb) => ({
        display_name: displayName === undefined ? eb.ref('member.display_name') : eb.val(displayName),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findMemberById(db: Db, id: number): Promise<Member | undefined> {
  return db.selectFrom('member').selectAll().where('id', '=', id).executeTakeFirst();
}
