import { type ChangeEvent, type FormEvent, useEffect, useState } from 'react';
import { ApiError, api } from '../api.ts';
import { Status } from '../Status.tsx';
import { texts } from '../texts.ts';
import { useApi } from '../useApi.ts';

type Value = boolean | number | string | null | string[] | { [k: string]: Value };
type Config = Record<string, Value>;

const t = texts.settings;

interface Trial {
  channels: number;
  checked: number;
  caught: {
    messageId: string;
    authorId: string;
    at: number;
    violations: { type: string; detail: string }[];
  }[];
}
/** The settings whose values are one of a few words (the schema's enums). */
const CHOICES: Record<string, readonly string[]> = {
  'lockdown.mode': ['enforce', 'shadow', 'off'],
  'gate.mode': ['off', 'always', 'on-alert', 'rules'],
};
/** Settings that are numbers or nothing (their value may be null now). */
const NULLABLE_NUMBERS = new Set(['lockdown.verificationLevel']);

const isGroup = (v: Value | undefined): v is { [k: string]: Value } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const label = (key: string) => key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());

function Field(props: {
  path: string;
  value: Value;
  error?: string | undefined;
  onChange: (v: Value) => void;
}) {
  const { path, value, onChange } = props;
  const id = `f-${path}`;
  let input: React.ReactNode;
  if (CHOICES[path])
    input = (
      <select id={id} value={String(value)} onChange={(e) => onChange(e.target.value)}>
        {CHOICES[path].map((c) => (
          <option key={c}>{c}</option>
        ))}
      </select>
    );
  else if (typeof value === 'boolean')
    input = <input id={id} type="checkbox" checked={value} onChange={(e) => onChange(e.target.checked)} />;
  else if (typeof value === 'number' || NULLABLE_NUMBERS.has(path))
    input = (
      <input
        id={id}
        type="number"
        step="any"
        value={value === null ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}
      />
    );
  else if (Array.isArray(value))
    input = (
      <textarea
        id={id}
        rows={3}
        placeholder={t.listHint}
        value={value.join('\n')}
        onChange={(e) =>
          onChange(e.target.value.split('\n').filter((line, i, all) => line !== '' || i < all.length - 1))
        }
      />
    );
  else
    input = (
      <input
        id={id}
        placeholder={t.nullHint}
        value={value === null ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === '' ? null : e.target.value)}
      />
    );
  return (
    <div className={`field${props.error ? ' invalid' : ''}`} data-field={path}>
      <label htmlFor={id}>{label(path.split('.').at(-1) ?? path)}</label>
      {input}
      {props.error && (
        <span className="field-error" role="alert">
          {props.error}
        </span>
      )}
    </div>
  );
}

export function Settings(props: { guildId: string }) {
  const path = `/api/guilds/${props.guildId}/config`;
  const [loaded, reload] = useApi<{ config: Config; revision: number }>(path);
  const [draft, setDraft] = useState<Config | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<string | null>(null);
  const [failure, setFailure] = useState<Error | undefined>();
  const [trial, setTrial] = useState<Trial | 'running' | null>(null);
  const [profileName, setProfileName] = useState('');
  useEffect(() => {
    if (loaded.state === 'ready') setDraft(structuredClone(loaded.data.config));
  }, [loaded]);
  if (loaded.state !== 'ready' || !draft)
    return <Status error={loaded.state === 'error' ? loaded.error : undefined} onRetry={reload} />;
  const saved = loaded.data.config;

  const answer = (p: Promise<{ changes: string[] }>) => {
    setStatus(t.saving);
    setFailure(undefined);
    p.then(
      (r) => {
        setErrors({});
        setStatus(t.saved(r.changes.length));
        reload();
      },
      (err: Error) => {
        setStatus(null);
        if (err instanceof ApiError && err.body.errors) {
          setErrors(Object.fromEntries(err.body.errors.map((e) => [e.field, e.message])));
          setStatus(t.invalid);
        } else setFailure(err);
      },
    );
  };
  const changed = () =>
    Object.fromEntries(
      Object.entries(draft).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(saved[k])),
    );
  const save = (e: FormEvent) => {
    e.preventDefault();
    answer(api(path, { method: 'PUT', body: { config: changed() } }));
  };
  const saveProfile = () => {
    const name = profileName.trim();
    api(`/api/profiles/${encodeURIComponent(name)}`, { method: 'PUT', body: { settings: draft } }).then(
      () => setStatus(texts.profiles.saved(name)),
      (err: Error) => {
        if (err instanceof ApiError && err.body.errors)
          setErrors(Object.fromEntries(err.body.errors.map((x) => [x.field, x.message])));
        setFailure(err);
      },
    );
  };
  const tryIt = () => {
    setTrial('running');
    api<Trial>(`${path}/try`, { method: 'POST', body: { config: changed() } }).then(
      setTrial,
      (err: Error) => {
        setTrial(null);
        if (err instanceof ApiError && err.body.errors)
          setErrors(Object.fromEntries(err.body.errors.map((x) => [x.field, x.message])));
        else setFailure(err);
      },
    );
  };
  const importYaml = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) answer(api(`${path}.yaml`, { method: 'POST', text: await file.text() }));
  };
  const set = (key: string, sub: string | null) => (v: Value) => {
    const next = structuredClone(draft);
    const group = next[key];
    if (sub !== null && isGroup(group)) group[sub] = v;
    else next[key] = v;
    setDraft(next);
  };

  return (
    <section>
      <h1>{t.title}</h1>
      <div className="toolbar">
        <a href={`${path}.yaml`}>{t.exportYaml}</a>
        <input
          aria-label={texts.profiles.name}
          placeholder={texts.profiles.name}
          value={profileName}
          onChange={(e) => setProfileName(e.target.value)}
        />
        <button type="button" disabled={profileName.trim() === ''} onClick={saveProfile}>
          {texts.profiles.saveAs}
        </button>
        <label className="button">
          {t.importYaml}
          <input type="file" accept=".yaml,.yml,text/yaml" onChange={importYaml} hidden />
        </label>
      </div>
      <form onSubmit={save} className="settings">
        {Object.entries(draft).map(([key, value]) =>
          isGroup(value) ? (
            <fieldset key={key}>
              <legend>{label(key)}</legend>
              {Object.entries(value).map(([sub, v]) => (
                <Field
                  key={sub}
                  path={`${key}.${sub}`}
                  value={v}
                  error={errors[`${key}.${sub}`]}
                  onChange={set(key, sub)}
                />
              ))}
            </fieldset>
          ) : (
            <Field key={key} path={key} value={value} error={errors[key]} onChange={set(key, null)} />
          ),
        )}
        <div className="savebar">
          <button type="submit">{t.save}</button>
          <button type="button" onClick={tryIt} disabled={trial === 'running'}>
            {t.tryIt}
          </button>
          {status && (
            <span role="status" data-testid="save-status">
              {status}
            </span>
          )}
          {failure && <Status error={failure} />}
        </div>
        {trial === 'running' && <p className="muted">{t.trying}</p>}
        {trial && trial !== 'running' && (
          <div className="card" data-testid="trial">
            <p>{t.tried(trial.caught.length, trial.checked, trial.channels)}</p>
            <ul>
              {trial.caught.slice(0, 50).map((c) => (
                <li key={c.messageId}>
                  {new Date(c.at).toLocaleString()} · {c.authorId} ·{' '}
                  {c.violations.map((v) => `${v.type}: ${v.detail}`).join('; ')}
                </li>
              ))}
            </ul>
          </div>
        )}
      </form>
    </section>
  );
}
