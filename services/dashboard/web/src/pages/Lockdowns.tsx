import { useEffect, useState } from 'react';
import { api, type Lockdown } from '../api.ts';
import { Status } from '../Status.tsx';
import { type Marker, TimeChart } from '../TimeChart.tsx';
import { texts } from '../texts.ts';
import { useApi } from '../useApi.ts';
import { useLiveEvents } from '../useLiveEvents.ts';

const t = texts.lockdowns;

function ScoreTimeline(props: { guildId: string; lockdown: Lockdown }) {
  const { lockdown } = props;
  const [loaded] = useApi<{ from: number; to: number; scores: { at: number; score: number }[] }>(
    `/api/guilds/${props.guildId}/lockdowns/${lockdown.id}/scores`,
  );
  if (loaded.state !== 'ready') return <Status error={loaded.state === 'error' ? loaded.error : undefined} />;
  const { from, to, scores } = loaded.data;
  if (scores.length === 0) return <p className="muted">{t.noScores}</p>;
  const markers: Marker[] = [{ at: lockdown.startedAt / 1000, color: '#c0392b', label: 'started' }];
  if (lockdown.liftedAt) markers.push({ at: lockdown.liftedAt / 1000, color: '#27ae60', label: 'lifted' });
  return (
    <TimeChart
      title={t.timeline}
      labels={[texts.overview.score]}
      colors={['#8e44ad']}
      data={[scores.map((p) => p.at / 1000), scores.map((p) => p.score)]}
      markers={markers}
      yRange={[0, 1]}
      xRange={[from / 1000, to / 1000]}
    />
  );
}
const ANSWERS = ['lift', 'false-alarm', 'confirm-ban', 'confirm-kick', 'extend'] as const;

export function Lockdowns(props: { guildId: string }) {
  const [loaded, reload] = useApi<{ lockdowns: Lockdown[] }>(`/api/guilds/${props.guildId}/lockdowns`);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<Error | undefined>();
  // The enforcer records each step of a lockdown in the audit log as it goes: read the list
  // again when one arrives, so a lift shows without a reload.
  const { events } = useLiveEvents(props.guildId);
  const steps = events.filter(
    (e) => e.type === 'lockdown' || (e.type === 'audit' && e.action.startsWith('lockdown.')),
  ).length;
  useEffect(() => {
    if (steps > 0) reload();
  }, [steps, reload]);
  const answer = (id: string, a: string) => {
    setError(undefined);
    api(`/api/guilds/${props.guildId}/lockdowns/${id}/answer`, { method: 'POST', body: { answer: a } }).then(
      () => {
        setMessage(t.sent(t.answers[a] ?? a));
      },
      (err: Error) => setError(err),
    );
  };
  if (loaded.state !== 'ready')
    return <Status error={loaded.state === 'error' ? loaded.error : undefined} onRetry={reload} />;
  return (
    <section>
      <h1>{t.title}</h1>
      {message && (
        <p className="ok" role="status">
          {message}
        </p>
      )}
      {error && <Status error={error} />}
      {loaded.data.lockdowns.length === 0 && <p className="empty">{t.empty}</p>}
      <ul className="lockdowns" data-testid="lockdown-list">
        {loaded.data.lockdowns.map((l) => (
          <li key={l.id} className={`card ${l.status}`} data-lockdown={l.id} data-status={l.status}>
            <h2>
              {new Date(l.startedAt).toLocaleString()} · <span className="tag">{t[l.status]}</span>
              {l.shadow && <span className="tag">{t.shadow}</span>}
            </h2>
            <p>
              {t.score}: {l.score.toFixed(2)} · {t.quarantined(l.quarantined)}
              {l.liftedAt &&
                ` · ${t.liftedAt}: ${new Date(l.liftedAt).toLocaleString()} (${l.liftedBy ?? ''})`}
            </p>
            <h3>{t.reasons}</h3>
            <ul>
              {l.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
            <ScoreTimeline guildId={props.guildId} lockdown={l} />
            <h3>{t.steps}</h3>
            <ul>
              {l.steps.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
            {l.status === 'active' && (
              <div className="toolbar">
                {ANSWERS.map((a) => (
                  <button key={a} type="button" onClick={() => answer(l.id, a)}>
                    {t.answers[a]}
                  </button>
                ))}
              </div>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
