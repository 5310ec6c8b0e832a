import { Status } from '../Status.tsx';
import { texts } from '../texts.ts';
import { useApi } from '../useApi.ts';

export function Guilds() {
  const [loaded, reload] = useApi<{ guilds: { id: string; name: string }[] }>('/api/guilds');
  return (
    <section>
      <h1>{texts.guilds.title}</h1>
      {loaded.state === 'ready' ? (
        loaded.data.guilds.length === 0 ? (
          <p className="empty">{texts.guilds.empty}</p>
        ) : (
          <ul className="cards" data-testid="guild-list">
            {loaded.data.guilds.map((g) => (
              <li key={g.id}>
                <a href={`#/g/${g.id}`}>{g.name}</a>
              </li>
            ))}
          </ul>
        )
      ) : (
        <Status error={loaded.state === 'error' ? loaded.error : undefined} onRetry={reload} />
      )}
    </section>
  );
}
