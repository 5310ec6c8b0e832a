import { useEffect, useMemo } from 'react';
import type { Overview as OverviewData } from '../api.ts';
import { Status } from '../Status.tsx';
import { type Marker, TimeChart } from '../TimeChart.tsx';
import { texts } from '../texts.ts';
import { useApi } from '../useApi.ts';
import { type LiveEvent, useLiveEvents } from '../useLiveEvents.ts';

const MINUTE = 60_000;

/** Joins and leaves per minute over the last hour, as uPlot's columns. */
export function perMinute(events: readonly LiveEvent[], now: number): number[][] {
  const last = Math.floor(now / MINUTE);
  const xs = Array.from({ length: 60 }, (_, i) => (last - 59 + i) * 60);
  const joins = new Array<number>(60).fill(0);
  const leaves = new Array<number>(60).fill(0);
  for (const e of events) {
    if (e.type !== 'join' && e.type !== 'leave') continue;
    const i = Math.floor(e.at / MINUTE) - (last - 59);
    if (i < 0 || i >= 60) continue;
    if (e.type === 'join') joins[i] = (joins[i] ?? 0) + 1;
    else leaves[i] = (leaves[i] ?? 0) + 1;
  }
  return [xs, joins, leaves];
}

export function Overview(props: { guildId: string }) {
  const [loaded, reload] = useApi<OverviewData>(`/api/guilds/${props.guildId}/overview`);
  const { events, connected } = useLiveEvents(props.guildId);
  const now = Date.now();
  const minutes = useMemo(() => perMinute(events, now), [events, now]);
  const scorePoints = useMemo(
    () =>
      events
        .filter((e): e is Extract<LiveEvent, { type: 'score' }> => e.type === 'score')
        .sort((a, b) => a.at - b.at),
    [events],
  );
  const scores = useMemo(
    () => [scorePoints.map((p) => p.at / 1000), scorePoints.map((p) => p.score)],
    [scorePoints],
  );
  const latest = scorePoints.at(-1);
  const markers = useMemo<Marker[]>(
    () =>
      events.flatMap((e) =>
        e.type === 'lockdown' && e.kind !== 'answered'
          ? [
              {
                at: e.at / 1000,
                color: e.kind === 'started' ? '#c0392b' : '#27ae60',
                label: `lockdown ${e.kind}`,
              },
            ]
          : e.type === 'gate'
            ? [
                {
                  at: e.at / 1000,
                  color: e.kind === 'started' ? '#e67e22' : '#2980b9',
                  label: `gate ${e.kind}`,
                },
              ]
            : [],
      ),
    [events],
  );
  // A lockdown or gate starting or ending changes the current state: read it again.
  // (The enforcer audits each lockdown step once it is recorded, so those entries count too.)
  const turns = events.filter(
    (e) =>
      e.type === 'lockdown' || e.type === 'gate' || (e.type === 'audit' && e.action.startsWith('lockdown.')),
  ).length;
  useEffect(() => {
    if (turns > 0) reload();
  }, [turns, reload]);
  const hour: [number, number] = [Math.floor(now / 1000) - 3600, Math.ceil(now / 1000)];
  const alerts = events
    .filter((e) => e.type === 'lockdown' || e.type === 'gate')
    .slice(-10)
    .reverse();
  const joins = events
    .filter((e): e is Extract<LiveEvent, { type: 'join' }> => e.type === 'join')
    .slice(-15)
    .reverse();

  return (
    <section>
      <h1>
        {loaded.state === 'ready' ? loaded.data.guild.name : texts.overview.title}{' '}
        <span className={`live ${connected ? 'on' : 'off'}`} data-testid="live-status">
          {connected === null
            ? texts.overview.connecting
            : connected
              ? texts.overview.live
              : texts.overview.disconnected}
        </span>
      </h1>
      <div className="grid">
        <div className="card">
          <h2>{texts.overview.state}</h2>
          {loaded.state === 'ready' ? (
            <>
              <p data-testid="lockdown-state">
                {loaded.data.lockdown
                  ? texts.overview.lockdownActive(loaded.data.lockdown.score.toFixed(2))
                  : texts.overview.calm}
              </p>
              <p className="muted">
                {texts.overview.modes(loaded.data.modes.lockdown, loaded.data.modes.gate)}
              </p>
            </>
          ) : (
            <Status error={loaded.state === 'error' ? loaded.error : undefined} onRetry={reload} />
          )}
        </div>
        <div className="card">
          <h2>{texts.overview.dropOffs}</h2>
          {loaded.state === 'ready' && (
            <p>
              {texts.overview.leftWithinDay(
                loaded.data.dropOffs.leftWithinDay,
                loaded.data.dropOffs.joinsLastDay,
              )}
            </p>
          )}
          {loaded.state === 'ready' && (
            <p data-testid="gated-never-verified">
              {texts.overview.gatedNeverVerified(
                loaded.data.dropOffs.neverVerified,
                loaded.data.dropOffs.gatedLastDay,
                loaded.data.dropOffs.waiting,
              )}
            </p>
          )}
        </div>
        <div className="card">
          <h2>{texts.overview.alerts}</h2>
          {alerts.length === 0 ? (
            <p className="empty">{texts.overview.noAlerts}</p>
          ) : (
            <ul>
              {alerts.map((a) => (
                <li key={`${a.type}-${a.at}`}>
                  {new Date(a.at).toLocaleTimeString()} {a.type}{' '}
                  {a.type === 'lockdown' || a.type === 'gate' ? a.kind : ''}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
      <TimeChart
        title={texts.overview.joinsLeaves}
        labels={[texts.overview.joins, texts.overview.leaves]}
        colors={['#2980b9', '#c0392b']}
        data={minutes}
        markers={markers}
        xRange={hour}
      />
      <TimeChart
        title={texts.overview.raidScore}
        labels={[texts.overview.score]}
        colors={['#8e44ad']}
        data={scores}
        markers={markers}
        xRange={hour}
        yRange={[0, 1]}
      />
      <p className={latest ? '' : 'empty'} data-testid="raid-score-latest">
        {latest
          ? texts.overview.latestScore(
              latest.score.toFixed(2),
              new Date(latest.at).toLocaleTimeString(),
              latest.joinsLastMinute,
              latest.reasons.slice(0, 3),
            )
          : texts.overview.noScore}
      </p>
      <div className="card">
        <h2>{texts.overview.recentJoins}</h2>
        {joins.length === 0 ? (
          <p className="empty">{texts.overview.noJoins}</p>
        ) : (
          <ul data-testid="recent-joins">
            {joins.map((j) => (
              <li key={`${j.userId}-${j.at}`} data-user={j.userId}>
                {new Date(j.at).toLocaleTimeString()} {j.name}
                {j.bot ? ' (bot)' : ''}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
