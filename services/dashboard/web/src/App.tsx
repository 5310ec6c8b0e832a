import { useEffect, useState } from 'react';
import { ApiError, api, type Session, setCsrfToken } from './api.ts';
import { Audit } from './pages/Audit.tsx';
import { Guilds } from './pages/Guilds.tsx';
import { Invites } from './pages/Invites.tsx';
import { Lockdowns } from './pages/Lockdowns.tsx';
import { Members } from './pages/Members.tsx';
import { Overview } from './pages/Overview.tsx';
import { Settings } from './pages/Settings.tsx';
import { Status } from './Status.tsx';
import { texts } from './texts.ts';

type GuildPage = 'overview' | 'audit' | 'settings' | 'lockdowns' | 'invites' | 'members';
type Route = { page: 'guilds' } | { page: GuildPage; guildId: string };

/** Routes live in the URL fragment (`#/g/<id>/audit`), so every page is the one index.html. */
function parseRoute(hash: string): Route {
  const m = /^#\/g\/(\d{1,20})(?:\/(audit|settings|lockdowns|invites|members))?$/.exec(hash);
  if (!m?.[1]) return { page: 'guilds' };
  return { page: (m[2] as GuildPage | undefined) ?? 'overview', guildId: m[1] };
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

function SignIn() {
  return (
    <main className="signin">
      <h1>{texts.appName}</h1>
      <p>{texts.signIn.lead}</p>
      <a className="button" href="/auth/login">
        {texts.signIn.button}
      </a>
    </main>
  );
}

export function App() {
  const [session, setSession] = useState<Session | null | 'loading' | Error>('loading');
  const route = useRoute();
  useEffect(() => {
    api<Session>('/api/session').then(
      (s) => {
        setCsrfToken(s.csrfToken);
        setSession(s);
      },
      (err: unknown) => setSession(err instanceof ApiError && err.status === 401 ? null : (err as Error)),
    );
  }, []);
  if (session === 'loading') return <Status />;
  if (session instanceof Error) return <Status error={session} onRetry={() => location.reload()} />;
  if (session === null) return <SignIn />;

  const signOut = async () => {
    try {
      await api('/auth/logout', { method: 'POST', body: {} });
    } catch (err) {
      // A session the server no longer knows is signed out already; any other failure leaves it
      // live on the server, so say so rather than pretend.
      if (!(err instanceof ApiError && err.status === 401)) {
        setSession(err instanceof Error ? err : new Error(String(err)));
        return;
      }
    }
    setSession(null);
    location.hash = '';
  };
  const nav =
    route.page === 'guilds'
      ? []
      : ([
          ['overview', texts.nav.overview, ''],
          ['invites', texts.nav.invites, '/invites'],
          ['members', texts.nav.members, '/members'],
          ['lockdowns', texts.nav.lockdowns, '/lockdowns'],
          ['audit', texts.nav.audit, '/audit'],
          ['settings', texts.nav.settings, '/settings'],
        ] as const);
  return (
    <>
      <header>
        <a className="brand" href="#/">
          {texts.appName}
        </a>
        <nav>
          {route.page !== 'guilds' && <a href="#/">{texts.nav.servers}</a>}
          {nav.map(([page, label, suffix]) => (
            <a
              key={page}
              href={`#/g/${route.page === 'guilds' ? '' : route.guildId}${suffix}`}
              aria-current={route.page === page ? 'page' : undefined}
            >
              {label}
            </a>
          ))}
        </nav>
        <span className="who">
          {texts.signIn.signedInAs(session.user.username)}{' '}
          <button type="button" onClick={signOut}>
            {texts.signIn.signOut}
          </button>
        </span>
      </header>
      <main>
        {route.page === 'guilds' && <Guilds />}
        {route.page === 'overview' && <Overview guildId={route.guildId} />}
        {route.page === 'invites' && <Invites guildId={route.guildId} />}
        {route.page === 'members' && <Members guildId={route.guildId} />}
        {route.page === 'lockdowns' && <Lockdowns guildId={route.guildId} />}
        {route.page === 'audit' && <Audit guildId={route.guildId} />}
        {route.page === 'settings' && <Settings guildId={route.guildId} />}
      </main>
    </>
  );
}
