import { describe, expect, it } from 'vitest';
import { ConnectionError, reach, urlProblem } from '../../libs/cli/src/connections.ts';
import { closest } from '../../libs/cli/src/didYouMean.ts';

describe('URLs checked before connecting', () => {
  it.each([
    ['PostgreSQL', 'postgres://postgres@127.0.0.1:5432/chatguard', null],
    ['PostgreSQL', 'postgresql://u:p@db.internal/x', null],
    ['PostgreSQL', 'notaurl', /is not a URL/],
    ['PostgreSQL', 'redis://127.0.0.1:6379', /is not a PostgreSQL URL/],
    ['NATS', 'nats://127.0.0.1:4222', null],
    ['NATS', 'foo bar', /is not a URL/],
    ['NATS', 'http://127.0.0.1:4222', /is not a NATS URL/],
    ['Redis', 'rediss://cache:6380', null],
    ['Redis', 'redis://', /names no host|is not a URL/],
  ] as const)('%s %s', (dependency, url, problem) => {
    const found = urlProblem(dependency, url);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });
});

describe('reaching a dependency', () => {
  it('names the dependency, where, and the setting, without the password', async () => {
    const failing = reach('PostgreSQL', 'postgres://u:secret@db:5432/x', 'DATABASE_URL', () =>
      Promise.reject(new Error('connect ECONNREFUSED')),
    );
    await expect(failing).rejects.toBeInstanceOf(ConnectionError);
    await expect(failing).rejects.toThrow(
      'cannot reach PostgreSQL at db:5432 (set by DATABASE_URL): connect ECONNREFUSED',
    );
    await expect(failing).rejects.not.toThrow(/secret/);
  });

  it('passes on what the connection gives', async () => {
    await expect(reach('NATS', 'nats://a:4222', '--nats-url', async () => 42)).resolves.toBe(42);
  });
});

describe('did you mean', () => {
  it.each([
    ['confg', ['config', 'allow-invite'], 'config'],
    ['databse-url', ['database-url', 'guild'], 'database-url'],
    ['chek', ['check', 'up', 'bench'], 'check'],
    ['mod', ['model', 'migrate'], 'model'],
    ['frobnicate', ['check', 'up', 'bench'], undefined],
    ['x', ['up'], undefined],
  ])('%s among %j is %s', (typed, known, meant) => {
    expect(closest(typed, known)).toBe(meant);
  });
});
