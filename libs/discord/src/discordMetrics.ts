import type { REST } from '@discordjs/rest';
import { type Counter, metrics } from '@opentelemetry/api';
import { DiscordRefusedError, DiscordUnavailableError } from './discordErrors.ts';

let counters: { actions: Counter; rateLimited: Counter; waits: Counter } | undefined;

/** Taken at first use: a meter taken before telemetry starts records nothing. */
function discordCounters() {
  if (counters) return counters;
  const meter = metrics.getMeter('@chat-guard/discord');
  counters = {
    actions: meter.createCounter('chatguard_discord_actions_total', {
      description: 'Discord calls, by action and outcome (ok, refused, unavailable, error)',
    }),
    rateLimited: meter.createCounter('chatguard_discord_rate_limited_total', {
      description: '429 responses from Discord, by scope (user, global, shared)',
    }),
    waits: meter.createCounter('chatguard_discord_rate_limit_waits_total', {
      description: 'Requests held back to stay inside a rate limit, by whether it was the global one',
    }),
  };
  return counters;
}

/** What became of a Discord call, as a metric label. */
export function callOutcome(err: unknown): string {
  if (err instanceof DiscordRefusedError) return 'refused';
  if (err instanceof DiscordUnavailableError) return 'unavailable';
  return 'error';
}

/** Counts every 429 a REST client receives and every wait it makes for a rate limit. */
export function observeRest(rest: REST): void {
  rest.on('response', (_request, response) => {
    if (response.status !== 429) return;
    const scope =
      response.headers.get('x-ratelimit-scope') ??
      (response.headers.get('x-ratelimit-global') ? 'global' : 'user');
    discordCounters().rateLimited.add(1, { scope });
  });
  rest.on('rateLimited', (info) => discordCounters().waits.add(1, { global: String(info.global) }));
}

/** Wraps each method of a port so that every call is counted by action and outcome. */
export function countCalls<Port extends object>(port: Port): Port {
  const counted = { ...port } as Record<string, unknown>;
  for (const [action, method] of Object.entries(port)) {
    if (typeof method !== 'function') continue;
    counted[action] = async (...args: unknown[]) => {
      try {
        const result: unknown = await method.apply(port, args);
        discordCounters().actions.add(1, { action, outcome: 'ok' });
        return result;
      } catch (err) {
        discordCounters().actions.add(1, { action, outcome: callOutcome(err) });
        throw err;
      }
    };
  }
  return counted as Port;
}
