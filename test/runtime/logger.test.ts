import { Writable } from 'node:stream';
import { baseEnv, createLogger, EnvError, parseEnv } from '@chat-guard/runtime';
import { expect, it } from 'vitest';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

it('never writes the bot token to a log, wherever it appears', () => {
  const { lines, stream } = capture();
  const logger = createLogger('gateway', '1.0.0', 'info', stream);
  const token = 'MTIz.secret.token-value';
  logger.info(
    { token, env: { DISCORD_TOKEN: token }, request: { headers: { authorization: `Bot ${token}` } } },
    'hi',
  );
  const text = JSON.stringify(lines);
  expect(text).not.toContain(token);
  expect(lines[0]).toMatchObject({ service: 'gateway', version: '1.0.0', msg: 'hi', level: 'info' });
});

it('reports every bad variable of an environment, by name', () => {
  let error: unknown;
  try {
    parseEnv(baseEnv, { NATS_URL: 'http://x', NATS_REPLICAS: '9', REDIS_URL: '' });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(EnvError);
  const problems = (error as EnvError).problems.map((p) => p.variable);
  expect(problems).toEqual(['NATS_URL', 'NATS_REPLICAS']);
  // An empty value counts as unset and takes the default.
  expect(parseEnv(baseEnv, { REDIS_URL: '' }).REDIS_URL).toBe('redis://127.0.0.1:6379');
});
