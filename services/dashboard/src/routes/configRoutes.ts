import { guildConfigSchema, problemsOf } from '@chat-guard/events';
import { loadGuildConfig } from '@chat-guard/guild-config';
import { type APIMessage, ChannelType, Routes } from 'discord-api-types/v10';
import { bodyLimit } from 'hono/body-limit';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { askOwner, refusalBody, refusalStatus } from '../askOwner.ts';
import { tryRules } from '../tryRules.ts';
import type { DashboardDeps } from '../webApp.ts';
import { guardedGuild } from './guardedGuild.ts';
import { jsonBody } from './jsonBody.ts';

/** How many text channels a trial reads (the most recent messages of each). */
const TRY_CHANNELS = 10;

/** A configuration is a few kilobytes; anything far larger is refused before it is parsed. */
export const MAX_CONFIG_BYTES = 64 * 1024;

/** Each problem with the field it is about, for the form to show beside that field. */
export const fieldErrors = problemsOf;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The guild's settings: read, change (validated by the same schema as the slash commands), YAML out and in. */
export function configRoutes(deps: DashboardDeps) {
  const app = guardedGuild(deps);
  const limit = bodyLimit({
    maxSize: MAX_CONFIG_BYTES,
    onError: (c) =>
      c.json(
        { error: 'too-large', errors: [{ field: '(body)', message: `at most ${MAX_CONFIG_BYTES} bytes` }] },
        413,
      ),
  });

  // The gateway owns guild_config: it checks, stores, announces and audits; this waits for it.
  const apply = async (
    guildId: string,
    proposed: unknown,
    session: { userId: string; username: string },
    via: string,
  ) => {
    if (!isRecord(proposed))
      return {
        status: 422 as const,
        body: { error: 'invalid', errors: [{ field: 'config', message: 'must be an object' }] },
      };
    const answer = await askOwner(deps.bus, 'guild-config.update', {
      guildId,
      settings: proposed,
      by: { userId: session.userId, username: session.username },
      via,
      at: deps.now(),
    });
    if (answer.ok) return { status: 200 as const, body: answer.result };
    return { status: refusalStatus(answer.code), body: refusalBody(answer) };
  };

  app.get('/:guildId/config', async (c) => {
    const stored = await loadGuildConfig(deps.db, c.get('guild').id);
    return c.json(stored);
  });

  app.put('/:guildId/config', limit, async (c) => {
    const body = await jsonBody(c);
    const proposed = isRecord(body) ? body.config : undefined;
    const result = await apply(c.get('guild').id, proposed, c.get('session'), 'settings');
    return c.json(result.body, result.status);
  });

  // "Try it": the proposed rules over the guild's recent messages, changing nothing.
  app.post('/:guildId/config/try', limit, async (c) => {
    const guildId = c.get('guild').id;
    const body = await jsonBody(c);
    const proposed = isRecord(body) ? body.config : undefined;
    if (!isRecord(proposed))
      return c.json({ error: 'invalid', errors: [{ field: 'config', message: 'must be an object' }] }, 422);
    const current = await loadGuildConfig(deps.db, guildId);
    const checked = guildConfigSchema.safeParse({ ...current.config, ...proposed });
    if (!checked.success) return c.json({ error: 'invalid', errors: fieldErrors(checked.error) }, 422);
    const perChannel = Math.min(100, Math.max(1, Number(isRecord(body) ? body.perChannel : 50) || 50));
    const channels = (await deps.discord.listChannels(guildId)).filter(
      (ch) => ch.type === ChannelType.GuildText,
    );
    const [invites, vanity] = await Promise.all([
      deps.discord.listInvites(guildId),
      deps.discord.vanityCode(guildId),
    ]);
    const messages: APIMessage[] = [];
    for (const channel of channels.slice(0, TRY_CHANNELS)) {
      try {
        const page = (await deps.botRest.get(
          `${Routes.channelMessages(channel.id)}?limit=${perChannel}`,
        )) as APIMessage[];
        messages.push(...page);
      } catch (err) {
        // A channel the bot cannot read is left out, not a failure of the whole trial.
        if ((err as { status?: unknown }).status !== 403) throw err;
      }
    }
    const allowed = new Set([...invites.map((i) => i.code), ...(vanity ? [vanity] : [])]);
    return c.json({
      channels: Math.min(channels.length, TRY_CHANNELS),
      ...tryRules(checked.data, guildId, messages, allowed),
    });
  });

  app.get('/:guildId/config.yaml', async (c) => {
    const { config } = await loadGuildConfig(deps.db, c.get('guild').id);
    c.header('Content-Disposition', `attachment; filename="chat-guard-${c.get('guild').id}.yaml"`);
    return c.body(toYaml(config), 200, { 'Content-Type': 'application/yaml; charset=utf-8' });
  });

  app.post('/:guildId/config.yaml', limit, async (c) => {
    let proposed: unknown;
    try {
      proposed = parseYaml(await c.req.text());
    } catch (err) {
      const message = err instanceof Error ? (err.message.split('\n')[0] ?? 'not YAML') : 'not YAML';
      return c.json({ error: 'invalid', errors: [{ field: '(yaml)', message }] }, 422);
    }
    const result = await apply(c.get('guild').id, proposed, c.get('session'), 'YAML import');
    return c.json(result.body, result.status);
  });
  return app;
}
