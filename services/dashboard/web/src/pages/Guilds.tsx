import { useState } from 'react';
import { api } from '../api.ts';
import { Status } from '../Status.tsx';
import { texts } from '../texts.ts';
import { useApi } from '../useApi.ts';

type Guild = { id: string; name: string };

function Profiles(props: { guilds: Guild[] }) {
  const [loaded, reload] = useApi<{ profiles: { name: string; settings: Record<string, unknown> }[] }>(
    '/api/profiles',
  );
  const [picked, setPicked] = useState<Record<string, string[]>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const t = texts.profiles;
  if (loaded.state !== 'ready')
    return <Status error={loaded.state === 'error' ? loaded.error : undefined} onRetry={reload} />;
  const toggle = (profile: string, guildId: string) => {
    const now = picked[profile] ?? [];
    setPicked({
      ...picked,
      [profile]: now.includes(guildId) ? now.filter((g) => g !== guildId) : [...now, guildId],
    });
  };
  const apply = (name: string) => {
    setError(undefined);
    const guildIds = picked[name] ?? [];
    api(`/api/profiles/${encodeURIComponent(name)}/apply`, { method: 'POST', body: { guildIds } }).then(
      () => setMessage(t.applied(name, guildIds.length)),
      setError,
    );
  };
  const remove = (name: string) =>
    api(`/api/profiles/${encodeURIComponent(name)}`, { method: 'DELETE' }).then(reload, setError);
  return (
    <div className="card" data-testid="profiles">
      <h2>{t.title}</h2>
      <p className="muted">{t.lead}</p>
      {message && <p className="ok">{message}</p>}
      {error && <Status error={error} />}
      {loaded.data.profiles.length === 0 && <p className="empty">{t.none}</p>}
      {loaded.data.profiles.map((p) => (
        <fieldset key={p.name} data-profile={p.name}>
          <legend>
            {p.name} ({Object.keys(p.settings).length})
          </legend>
          {props.guilds.map((g) => (
            <label key={g.id} className="check">
              <input
                type="checkbox"
                checked={(picked[p.name] ?? []).includes(g.id)}
                onChange={() => toggle(p.name, g.id)}
              />{' '}
              {g.name}
            </label>
          ))}
          <div className="toolbar">
            <button
              type="button"
              disabled={(picked[p.name] ?? []).length === 0}
              onClick={() => apply(p.name)}
            >
              {t.apply}
            </button>
            <button type="button" onClick={() => remove(p.name)}>
              {t.delete}
            </button>
          </div>
        </fieldset>
      ))}
    </div>
  );
}

export function Guilds() {
  const [loaded, reload] = useApi<{ guilds: Guild[] }>('/api/guilds');
  return (
    <section>
      <h1>{texts.guilds.title}</h1>
      {loaded.state === 'ready' ? (
        loaded.data.guilds.length === 0 ? (
          <p className="empty">{texts.guilds.empty}</p>
        ) : (
          <>
            <ul className="cards" data-testid="guild-list">
              {loaded.data.guilds.map((g) => (
                <li key={g.id}>
                  <a href={`#/g/${g.id}`}>{g.name}</a>
                </li>
              ))}
            </ul>
            <Profiles guilds={loaded.data.guilds} />
          </>
        )
      ) : (
        <Status error={loaded.state === 'error' ? loaded.error : undefined} onRetry={reload} />
      )}
    </section>
  );
}
