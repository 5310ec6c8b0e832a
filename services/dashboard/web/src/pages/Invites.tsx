import { type FormEvent, useState } from 'react';
import { ApiError, api } from '../api.ts';
import { named } from '../names.ts';
import { Status } from '../Status.tsx';
import { texts } from '../texts.ts';
import { useApi } from '../useApi.ts';

interface Stats {
  joins: number;
  stillHere: number;
  left: number;
  fake: number;
  pending: number;
}
interface InvitesData {
  sourcesDays: number;
  sources: Record<string, number>;
  campaigns: {
    id: string;
    name: string;
    inviteCode: string;
    endedAt: string | null;
    total: Stats;
    inviters: (Stats & { inviterId: string | null })[];
  }[];
  leaderboard: {
    inviterId: string;
    regular: number;
    left: number;
    fake: number;
    bonus: number;
    total: number;
  }[];
  channels: { id: string; name: string }[];
  /** Display names of the inviters on the leaderboard and in the campaigns. */
  names: Record<string, string>;
}

const t = texts.invites;
const c = t.columns;

export function Invites(props: { guildId: string }) {
  const base = `/api/guilds/${props.guildId}`;
  const [loaded, reload] = useApi<InvitesData>(`${base}/invites`);
  const [form, setForm] = useState({ name: '', channelId: '', maxUses: 0, maxAgeHours: 0 });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [failure, setFailure] = useState<Error | undefined>();
  if (loaded.state !== 'ready')
    return <Status error={loaded.state === 'error' ? loaded.error : undefined} onRetry={reload} />;
  const data = loaded.data;
  const failed = (err: Error) => {
    if (err instanceof ApiError && err.body.errors)
      setErrors(Object.fromEntries(err.body.errors.map((e) => [e.field, e.message])));
    else setFailure(err);
  };
  const create = (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setFailure(undefined);
    const channelId = form.channelId || data.channels[0]?.id || '';
    api<{ campaign: { inviteCode: string } }>(`${base}/campaigns`, {
      method: 'POST',
      body: { ...form, channelId },
    }).then((r) => {
      setMessage(t.created(r.campaign.inviteCode));
      reload();
    }, failed);
  };
  const end = (id: string) =>
    api(`${base}/campaigns/${id}/end`, { method: 'POST', body: {} }).then(reload, failed);
  const totalSources = Object.values(data.sources).reduce((a, b) => a + b, 0);

  return (
    <section>
      <h1>{t.title}</h1>
      {failure && <Status error={failure} />}
      <div className="card">
        <h2>{t.sources(data.sourcesDays)}</h2>
        {totalSources === 0 ? (
          <p className="empty">{t.noJoins}</p>
        ) : (
          <ul className="bars" data-testid="join-sources">
            {['exact', 'ambiguous', 'vanity', 'unknown'].map((k) => (
              <li key={k}>
                <span>{t.sourceNames[k]}</span>
                <meter min={0} max={totalSources} value={data.sources[k] ?? 0} />
                <span>{data.sources[k] ?? 0}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="card">
        <h2>{t.campaigns}</h2>
        {data.campaigns.length === 0 ? (
          <p className="empty">{t.noCampaigns}</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="campaigns">
              <thead>
                <tr>
                  {[c.name, c.invite, c.status, c.joins, c.stillHere, c.left, c.fake, c.pending, ''].map(
                    (h) => (
                      <th key={h}>{h}</th>
                    ),
                  )}
                </tr>
              </thead>
              <tbody>
                {data.campaigns.map((k) => [
                  <tr key={k.id}>
                    <td>{k.name}</td>
                    <td>{k.inviteCode}</td>
                    <td>{k.endedAt ? t.ended : t.running}</td>
                    <td>{k.total.joins}</td>
                    <td>{k.total.stillHere}</td>
                    <td>{k.total.left}</td>
                    <td>{k.total.fake}</td>
                    <td>{k.total.pending}</td>
                    <td>
                      {!k.endedAt && (
                        <button type="button" onClick={() => end(k.id)}>
                          {t.end}
                        </button>
                      )}
                    </td>
                  </tr>,
                  k.inviters.length > 0 && (
                    <tr key={`${k.id}-inviters`} className="sub" data-campaign-inviters={k.name}>
                      <td colSpan={9}>
                        <details>
                          <summary>{t.perInviter(k.inviters.length)}</summary>
                          <table>
                            <thead>
                              <tr>
                                {[c.inviter, c.joins, c.stillHere, c.left, c.fake, c.pending].map((h) => (
                                  <th key={h}>{h}</th>
                                ))}
                              </tr>
                            </thead>
                            <tbody>
                              {k.inviters.map((i) => (
                                <tr key={i.inviterId ?? 'unknown'}>
                                  <td>
                                    {i.inviterId
                                      ? named(data.names[i.inviterId], i.inviterId)
                                      : t.unknownInviter}
                                  </td>
                                  <td>{i.joins}</td>
                                  <td>{i.stillHere}</td>
                                  <td>{i.left}</td>
                                  <td>{i.fake}</td>
                                  <td>{i.pending}</td>
                                </tr>
                              ))}
                            </tbody>
                          </table>
                        </details>
                      </td>
                    </tr>
                  ),
                ])}
              </tbody>
            </table>
          </div>
        )}
        <form className="filters" onSubmit={create}>
          <label>
            {t.name}
            <input
              name="name"
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
            />
            {errors.name && <span className="field-error">{errors.name}</span>}
          </label>
          <label>
            {t.channel}
            <select value={form.channelId} onChange={(e) => setForm({ ...form, channelId: e.target.value })}>
              {data.channels.map((ch) => (
                <option key={ch.id} value={ch.id}>
                  #{ch.name}
                </option>
              ))}
            </select>
            {errors.channelId && <span className="field-error">{errors.channelId}</span>}
          </label>
          <label>
            {t.maxUses}
            <input
              type="number"
              min={0}
              max={100}
              value={form.maxUses}
              onChange={(e) => setForm({ ...form, maxUses: Number(e.target.value) })}
            />
          </label>
          <label>
            {t.maxAgeHours}
            <input
              type="number"
              min={0}
              max={168}
              value={form.maxAgeHours}
              onChange={(e) => setForm({ ...form, maxAgeHours: Number(e.target.value) })}
            />
          </label>
          <button type="submit">{t.create}</button>
          {message && <span className="ok">{message}</span>}
        </form>
      </div>
      <div className="card">
        <h2>{t.leaderboard}</h2>
        {data.leaderboard.length === 0 ? (
          <p className="empty">{t.noInviters}</p>
        ) : (
          <table>
            <thead>
              <tr>
                {[c.inviter, c.joins, c.left, c.fake, c.total].map((h) => (
                  <th key={h}>{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.leaderboard.map((l) => (
                <tr key={l.inviterId}>
                  <td>{named(data.names[l.inviterId], l.inviterId)}</td>
                  <td>{l.regular}</td>
                  <td>{l.left}</td>
                  <td>{l.fake}</td>
                  <td>{l.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
