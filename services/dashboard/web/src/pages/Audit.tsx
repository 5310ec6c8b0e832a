import { type FormEvent, useEffect, useState } from 'react';
import { type AuditEntry, api } from '../api.ts';
import { named } from '../names.ts';
import { Status } from '../Status.tsx';
import { texts } from '../texts.ts';

interface Page {
  entries: AuditEntry[];
  names: Record<string, string>;
  nextBefore: number | null;
}
interface Verification {
  ok: boolean;
  checked: number;
  problem: { seq: number; kind: string } | null;
}

const t = texts.audit;

/** A name with its id, or the id alone when the name is not known. */
/** An entry's details on one short line: what changed, else each field (long values cut). */
function describeDetails(details: Record<string, unknown>): string {
  if (typeof details.changes === 'string') return details.changes;
  return Object.entries(details)
    .filter(([k]) => k !== 'by' && k !== 'via')
    .map(([k, v]) => {
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      return `${k}: ${text.length > 40 ? `${text.slice(0, 39)}…` : text}`;
    })
    .join(' · ');
}

export function Audit(props: { guildId: string }) {
  const [filter, setFilter] = useState({ action: '', member: '', moderator: '' });
  const [query, setQuery] = useState('');
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [names, setNames] = useState<Record<string, string>>({});
  const [next, setNext] = useState<number | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const [verification, setVerification] = useState<Verification | 'running' | null>(null);
  const base = `/api/guilds/${props.guildId}/audit`;

  const load = (before: number | null) => {
    setError(undefined);
    const params = new URLSearchParams(query);
    if (before !== null) params.set('before', String(before));
    api<Page>(`${base}?${params}`).then(
      (page) => {
        setEntries((old) => (before === null ? page.entries : [...(old ?? []), ...page.entries]));
        setNames((old) => ({ ...old, ...page.names }));
        setNext(page.nextBefore);
      },
      (err: Error) => setError(err),
    );
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the guild or the applied filter changes.
  useEffect(() => load(null), [base, query]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) if (v.trim()) params.set(k, v.trim());
    setQuery(params.toString());
  };
  const verify = () => {
    setVerification('running');
    api<Verification>(`${base}/verify`, { method: 'POST', body: {} }).then(setVerification, (err: Error) => {
      setVerification(null);
      setError(err);
    });
  };

  return (
    <section>
      <h1>{t.title}</h1>
      <div className="toolbar">
        <button type="button" onClick={verify} disabled={verification === 'running'}>
          {verification === 'running' ? t.verifying : t.verify}
        </button>
        {verification && verification !== 'running' && (
          <span className={verification.ok ? 'ok' : 'bad'} data-testid="verify-status">
            {verification.problem
              ? t.broken(verification.problem.seq, verification.problem.kind)
              : t.verified(verification.checked)}
          </span>
        )}
        <a href={`${base}/export?format=csv&${query}`}>{t.exportCsv}</a>
        <a href={`${base}/export?format=json&${query}`}>{t.exportJson}</a>
      </div>
      <form className="filters" onSubmit={apply}>
        {(['action', 'member', 'moderator'] as const).map((k) => (
          <label key={k}>
            {t[k]}
            <input
              value={filter[k]}
              onChange={(e) => setFilter({ ...filter, [k]: e.target.value })}
              name={k}
            />
          </label>
        ))}
        <button type="submit">{t.filter}</button>
      </form>
      {error && <Status error={error} onRetry={() => load(null)} />}
      {entries === null && !error && <Status />}
      {entries?.length === 0 && <p className="empty">{t.empty}</p>}
      {entries && entries.length > 0 && (
        <div className="table-wrap">
          <table data-testid="audit-table">
            <thead>
              <tr>
                {Object.values(t.columns).map((c) => (
                  <th key={c}>{c}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.seq}>
                  <td>{e.seq}</td>
                  <td>{new Date(e.at).toLocaleString()}</td>
                  <td>{e.action}</td>
                  <td>
                    {named(typeof e.details.by === 'string' ? e.details.by : names[e.actorId], e.actorId)}
                  </td>
                  <td>{e.targetId ? named(names[e.targetId], e.targetId) : ''}</td>
                  <td>{e.reason}</td>
                  <td className="details" title={JSON.stringify(e.details)}>
                    {describeDetails(e.details)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next !== null && (
        <button type="button" onClick={() => load(next)}>
          {t.more}
        </button>
      )}
    </section>
  );
}
