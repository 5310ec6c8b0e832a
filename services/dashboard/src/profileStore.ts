import type { Database } from '@chat-guard/store';
import type { Kysely } from 'kysely';

/** A named, partial configuration an admin keeps to apply to the guilds they manage. */
export interface Profile {
  readonly name: string;
  readonly settings: Record<string, unknown>;
  readonly updatedAt: Date;
}

export async function listProfiles(db: Kysely<Database>, ownerId: string): Promise<Profile[]> {
  const rows = await db
    .selectFrom('dashboard_profile')
    .select(['name', 'settings', 'updated_at'])
    .where('owner_id', '=', ownerId)
    .orderBy('name')
    .execute();
  return rows.map((r) => ({ name: r.name, settings: r.settings, updatedAt: r.updated_at }));
}

export async function findProfile(
  db: Kysely<Database>,
  ownerId: string,
  name: string,
): Promise<Profile | undefined> {
  return (await listProfiles(db, ownerId)).find((p) => p.name === name);
}

/** Creates or replaces a profile. */
export async function saveProfile(
  db: Kysely<Database>,
  ownerId: string,
  name: string,
  settings: Record<string, unknown>,
): Promise<void> {
  const json = JSON.stringify(settings);
  await db
    .insertInto('dashboard_profile')
    .values({ owner_id: ownerId, name, settings: json })
    .onConflict((oc) =>
      oc.columns(['owner_id', 'name']).doUpdateSet({ settings: json, updated_at: new Date() }),
    )
    .execute();
}

export async function deleteProfile(db: Kysely<Database>, ownerId: string, name: string): Promise<boolean> {
  const result = await db
    .deleteFrom('dashboard_profile')
    .where('owner_id', '=', ownerId)
    .where('name', '=', name)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
