import type { GuildConfig } from '@chat-guard/events';
import { type WordMatcher, wordMatcher } from './badWordMatchers.ts';
import { normalizeAllowedDomains } from './detectLinks.ts';

/** A guild config turned into what the guards match with, built once per config object. */
export interface CompiledFilter {
  /** Absent while the bad-word guard is off. */
  readonly words?: WordMatcher;
  readonly allowedDomains: readonly string[];
  readonly exemptMembers: ReadonlySet<string>;
  readonly exemptRoles: ReadonlySet<string>;
  readonly exemptChannels: ReadonlySet<string>;
}

const compiled = new WeakMap<GuildConfig, CompiledFilter>();

/**
 * The compiled form of a config, cached by object identity: a new config (a new revision) is a new
 * object, so a change takes effect on the next message and the old entry is garbage collected.
 */
export function compileFilter(config: GuildConfig): CompiledFilter {
  const cached = compiled.get(config);
  if (cached) return cached;
  const filter: CompiledFilter = {
    ...(config.badWordGuard ? { words: wordMatcher(config.filteredWords) } : {}),
    allowedDomains: normalizeAllowedDomains(config.allowedDomains),
    exemptMembers: new Set(config.whiteListMembers),
    exemptRoles: new Set(config.whiteListRoles),
    exemptChannels: new Set(config.whiteListChannels),
  };
  compiled.set(config, filter);
  return filter;
}
