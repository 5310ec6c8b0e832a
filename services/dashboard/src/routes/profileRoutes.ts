import { defaultGuildConfig, guildConfigSchema } from '@chat-guard/events';
import { loadGuildConfig } from '@chat-guard/guild-config';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { askOwner, refusalBody, refusalStatus } from '../askOwner.ts';
import { type GuildView, isGuildAccessDenied, requireManager } from '../guildAccess.ts';
import { deleteProfile, findProfile, listProfiles, saveProfile } from '../profileStore.ts';
import type { AppEnv, DashboardDeps } from '../webApp.ts';
import { fieldErrors, MAX_CONFIG_BYTES } from './configRoutes.ts';
import { jsonBody } from './jsonBody.ts';

const profileName = z
  .string()
  .regex(/^[\w .-]{1,50}$/, 'must be 1 to 50 letters, digits, spaces, dots or dashes');
const saveBody = z.strictObject({ settings: z.record(z.string(), z.unknown()) });
const applyBody = z.strictObject({
  guildIds: z
    .array(z.string().regex(/^\d{1,20}$/))
    .min(1)
    .max(25),
});

/** Named profiles: saved per user, applied to several guilds at once by someone who manages every one. */
export function profileRoutes(deps: DashboardDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const limit = bodyLimit({
    maxSize: MAX_CONFIG_BYTES,
    onError: (c) =>
      c.json(
        { error: 'too-large', errors: [{ field: '(body)', message: `at most ${MAX_CONFIG_BYTES} bytes` }] },
        413,
      ),
  });

  app.get('/', async (c) => c.json({ profiles: await listProfiles(deps.db, c.get('session').userId) }));

  app.put('/:name', limit, async (c) => {
    const name = profileName.safeParse(c.req.param('name'));
    if (!name.success)
      return c.json(
        { error: 'invalid', errors: [{ field: 'name', message: name.error.issues[0]?.message }] },
        422,
      );
    const body = saveBody.safeParse(await jsonBody(c));
    if (!body.success) return c.json({ error: 'invalid', errors: fieldErrors(body.error) }, 422);
    // A profile sets only some settings: each is checked as it would be in a whole configuration.
    const checked = guildConfigSchema.safeParse({ ...defaultGuildConfig(), ...body.data.settings });
    if (!checked.success) return c.json({ error: 'invalid', errors: fieldErrors(checked.error) }, 422);
    const settings = Object.fromEntries(
      Object.keys(body.data.settings).map((k) => [k, checked.data[k as keyof typeof checked.data]]),
    );
    await saveProfile(deps.db, c.get('session').userId, name.data, settings);
    return c.json({ name: name.data, settings });
  });

  app.delete('/:name', async (c) => {
    const gone = await deleteProfile(deps.db, c.get('session').userId, c.req.param('name'));
    return gone ? c.json({ ok: true }) : c.json({ error: 'not-found', message: 'No such profile.' }, 404);
  });

  app.post('/:name/apply', async (c) => {
    const session = c.get('session');
    const profile = await findProfile(deps.db, session.userId, c.req.param('name'));
    if (!profile) return c.json({ error: 'not-found', message: 'No such profile.' }, 404);
    const body = applyBody.safeParse(await jsonBody(c));
    if (!body.success) return c.json({ error: 'invalid', errors: fieldErrors(body.error) }, 422);
    // Every guild is checked before any is changed: one the user does not manage stops them all.
    const guilds: GuildView[] = [];
    for (const guildId of new Set(body.data.guildIds)) {
      try {
        guilds.push((await requireManager(deps.botRest, guildId, session.userId)).guild);
      } catch (err) {
        if (isGuildAccessDenied(err))
          return c.json(
            { error: 'forbidden', guildId, message: `You do not manage ${guildId}; nothing was changed.` },
            403,
          );
        throw err;
      }
    }
    for (const guild of guilds) {
      const current = await loadGuildConfig(deps.db, guild.id);
      const checked = guildConfigSchema.safeParse({ ...current.config, ...profile.settings });
      if (!checked.success)
        return c.json({ error: 'invalid', guildId: guild.id, errors: fieldErrors(checked.error) }, 422);
    }
    // The gateway owns guild_config: each guild's change is confirmed by it before the next.
    const results: { guildId: string; changes: string[] }[] = [];
    for (const guild of guilds) {
      const answer = await askOwner(deps.bus, 'guild-config.update', {
        guildId: guild.id,
        settings: profile.settings,
        by: { userId: session.userId, username: session.username },
        via: 'profile',
        profile: profile.name,
        at: deps.now(),
      });
      if (!answer.ok)
        return c.json(
          { ...refusalBody(answer), guildId: guild.id, applied: results },
          refusalStatus(answer.code),
        );
      results.push({ guildId: guild.id, changes: answer.result.changes });
    }
    return c.json({ results });
  });
  return app;
}
