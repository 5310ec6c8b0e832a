import { streamSSE } from 'hono/streaming';
import { followGuild } from '../followGuild.ts';
import type { DashboardDeps } from '../webApp.ts';
import { guardedGuild } from './guardedGuild.ts';

/** How far back a new live view starts: the overview's charts cover the last hour. */
export const REPLAY_MS = 60 * 60_000;
const KEEPALIVE_MS = 25_000;

/** Server-Sent Events of one guild: joins, leaves, raid scores, lockdowns, gates and audit entries. */
export function liveRoutes(deps: DashboardDeps) {
  const app = guardedGuild(deps);
  app.get('/:guildId/live', async (c) => {
    const session = c.get('session');
    const guildId = c.get('guild').id;
    let closeStream = (): void => undefined;
    const release = await deps.live.open(session.id, session.userId, () => closeStream());
    if (!release)
      return c.json({ error: 'too-many', message: 'Too many live views open; close one and reload.' }, 429);
    return streamSSE(c, async (stream) => {
      const ended = new Promise<void>((resolve) => {
        closeStream = resolve;
        stream.onAbort(resolve);
      });
      let id = 0;
      const follow = await followGuild(
        deps.bus,
        guildId,
        deps.now() - REPLAY_MS,
        (event) => {
          void stream.writeSSE({ event: event.type, data: JSON.stringify(event), id: String(++id) });
        },
        (err) => deps.onError(err, `live ${guildId}`),
      );
      await stream.writeSSE({
        event: 'ready',
        data: JSON.stringify({ guildId, replayFrom: deps.now() - REPLAY_MS }),
      });
      // A comment line now and then keeps proxies from closing an idle stream (not a poll: nothing is read).
      const keepalive = setInterval(() => void stream.write(': keepalive\n\n'), KEEPALIVE_MS);
      try {
        await ended;
      } finally {
        clearInterval(keepalive);
        await release().catch((err: unknown) => deps.onError(err, `live ${guildId}: releasing the view`));
        await follow.stop();
        await stream.close();
      }
    });
  });
  return app;
}
