import type { TraceLabel } from '@chat-guard/join-trace';
import type { GuildProfile } from './guild.ts';
import type { InviteBook } from './invites.ts';
import type { Account, World } from './world.ts';

/** One guild being generated: what it is like, where its events go, its invites and its long-standing members. */
export interface Scene {
  readonly profile: GuildProfile;
  readonly world: World;
  readonly invites: InviteBook;
  readonly regulars: readonly Account[];
}

/** What an episode put in the trace: its label and the accounts it brought (ground truth for tests). */
export interface EpisodeResult {
  readonly label: TraceLabel;
  readonly accounts: readonly Account[];
}
