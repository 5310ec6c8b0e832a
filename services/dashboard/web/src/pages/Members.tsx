import { type FormEvent, useState } from 'react';
import { type AuditEntry, api } from '../api.ts';
import { named } from '../names.ts';
import { Status } from '../Status.tsx';
import { texts } from '../texts.ts';
import { useApi } from '../useApi.ts';

interface Join {
  userId: string;
  username: string | null;
  joinedAt: string;
  leftAt: string | null;
  inviteCode: string | null;
  inviterId: string | null;
  confidence: string;
  accountCreatedAt: string;
}
interface Case {
  number: number;
  action: string;
  actor_id: string;
  reason: string;
  rule: string | null;
  created_at: string;
}
interface Verification {
  joinedAt: number;
  status: 'admitted' | 'pending' | 'passed' | 'failed' | 'expired';
  reasons: string[];
  gateId: string | null;
  attempts: number;
  deadlineAt: string | null;
  finishedAt: string | null;
  outcome: string | null;
}
interface Member {
  userId: string;
  joins: Join[];
  verifications: Verification[];
  cases: Case[];
  actions: AuditEntry[];
  /** Display names of the member, their inviters and whoever acted on them. */
  names: Record<string, string>;
}

const t = texts.members;
const when = (iso: string) => new Date(iso).toLocaleString();

function MemberDetail(props: { guildId: string; userId: string }) {
  const [loaded, reload] = useApi<Member>(`/api/guilds/${props.guildId}/members/${props.userId}`);
  if (loaded.state !== 'ready')
    return <Status error={loaded.state === 'error' ? loaded.error : undefined} onRetry={reload} />;
  const m = loaded.data;
  const who = (id: string) => named(m.names[id], id);
  return (
    <div data-testid="member-detail">
      <h2>{who(m.userId)}</h2>
      <div className="card">
        <h2>{t.joins}</h2>
        <ul>
          {m.joins.map((j) => (
            <li key={j.joinedAt}>
              {t.joined} {when(j.joinedAt)} · {j.leftAt ? `${t.left} ${when(j.leftAt)}` : t.stillHere} ·{' '}
              {t.via(j.inviteCode, j.confidence)}
              {j.inviterId ? ` · ${t.invitedBy(who(j.inviterId))}` : ''} · {t.accountCreated}{' '}
              {when(j.accountCreatedAt)}
            </li>
          ))}
        </ul>
      </div>
      <div className="card" data-testid="member-verification">
        <h2>{t.verification}</h2>
        {m.verifications.length === 0 ? (
          <p className="empty">{t.noVerification}</p>
        ) : (
          <ul>
            {m.verifications.map((v) => (
              <li key={v.joinedAt}>
                {t.joined} {when(new Date(v.joinedAt).toISOString())} · {t.verificationStatus(v.status)}
                {v.reasons.length > 0 ? ` · ${t.gateReasons(v.status, v.reasons)}` : ''}
                {v.attempts > 0 ? ` · ${t.attempts(v.attempts)}` : ''}
                {v.finishedAt
                  ? ` · ${when(v.finishedAt)}`
                  : v.deadlineAt
                    ? ` · ${t.deadline(when(v.deadlineAt))}`
                    : ''}
                {v.outcome ? ` (${v.outcome})` : ''}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="card">
        <h2>{t.cases}</h2>
        {m.cases.length === 0 ? (
          <p className="empty">{t.noCases}</p>
        ) : (
          <ul>
            {m.cases.map((k) => (
              <li key={k.number}>
                #{k.number} {k.action} · {when(k.created_at)} · {k.reason} ({who(k.actor_id)})
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="card">
        <h2>{t.actions}</h2>
        {m.actions.length === 0 ? (
          <p className="empty">{t.noActions}</p>
        ) : (
          <ul>
            {m.actions.map((a) => (
              <li key={a.seq}>
                {when(a.at)} · {a.action} · {a.reason} (
                {typeof a.details.by === 'string' ? a.details.by : who(a.actorId)})
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

export function Members(props: { guildId: string }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<{ userId: string; username: string | null }[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const search = (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setChosen(null);
    api<{ members: { userId: string; username: string | null }[] }>(
      `/api/guilds/${props.guildId}/members?q=${encodeURIComponent(query.trim())}`,
    ).then((r) => {
      setResults(r.members);
      if (r.members.length === 1) setChosen(r.members[0]?.userId ?? null);
    }, setError);
  };
  return (
    <section>
      <h1>{t.title}</h1>
      <form className="filters" onSubmit={search}>
        <label>
          {t.search}
          <input name="q" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <button type="submit">{t.find}</button>
      </form>
      {error && <Status error={error} />}
      {results?.length === 0 && <p className="empty">{t.none}</p>}
      {results && results.length > 1 && (
        <ul className="cards">
          {results.map((r) => (
            <li key={r.userId}>
              <button type="button" onClick={() => setChosen(r.userId)}>
                {r.username ?? r.userId} ({r.userId})
              </button>
            </li>
          ))}
        </ul>
      )}
      {chosen && <MemberDetail guildId={props.guildId} userId={chosen} />}
    </section>
  );
}
