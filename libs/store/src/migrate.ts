import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely';
import * as initial from './migrations/001_initial.ts';
import * as auditAnchor from './migrations/002_audit_anchor.ts';
import * as enforcementAction from './migrations/003_enforcement_action.ts';
import * as logOutbox from './migrations/004_log_outbox.ts';
import * as campaigns from './migrations/005_campaigns.ts';
import * as lockdown from './migrations/006_lockdown.ts';
import * as moderation from './migrations/009_moderation.ts';
import * as verifier from './migrations/010_verifier.ts';
import * as dashboardProfile from './migrations/011_dashboard_profile.ts';
import type { Database } from './schema.ts';

/** Every migration, in order. Names never change once released. */
const migrations: Record<string, Migration> = {
  '001_initial': initial,
  '002_audit_anchor': auditAnchor,
  '003_enforcement_action': enforcementAction,
  '004_log_outbox': logOutbox,
  '005_campaigns': campaigns,
  '006_lockdown': lockdown,
  '009_moderation': moderation,
  '010_verifier': verifier,
  '011_dashboard_profile': dashboardProfile,
};

/** The names of every migration, in the order they apply. */
export const migrationNames: readonly string[] = Object.keys(migrations);

export class MigrationError extends Error {
  constructor(
    readonly migration: string | undefined,
    options?: ErrorOptions,
  ) {
    super(migration ? `migration ${migration} failed` : 'migrations failed', options);
    this.name = 'MigrationError';
  }
}

export interface MigrationReport {
  readonly applied: string[];
  readonly alreadyApplied: string[];
}

/** Applies every pending migration in one transaction each; a second run applies nothing. */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const before = await migrator.getMigrations();
  const { error, results }: MigrationResultSet = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new MigrationError(failed, { cause: error });
  }
  return {
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
    alreadyApplied: before.filter((m) => m.executedAt !== undefined).map((m) => m.name),
  };
}
