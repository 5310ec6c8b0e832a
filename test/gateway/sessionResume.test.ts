import { type Sandbox, startSandbox } from '@chat-guard/sandbox';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uniqueNamespace } from '../support/bus.ts';
import { type Spawned, spawnTs } from '../support/processes.ts';

let sandbox: Sandbox;
const running: Spawned[] = [];
beforeAll(async () => {
  sandbox = await startSandbox({ guilds: 1, seed: 71 });
});
afterAll(async () => {
  for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  await sandbox.close();
});

function gateway(namespace: string): Spawned {
  const started = spawnTs(['test/fixtures/sessionGateway.ts'], {
    SANDBOX_API: sandbox.api,
    SANDBOX_TOKEN: sandbox.token,
    TEST_NAMESPACE: namespace,
  });
  running.push(started);
  return started;
}

it('a gateway killed with -9 gets, once started again, the messages sent while it was down', async () => {
  const namespace = uniqueNamespace();
  const view = sandbox.inspect.guild(sandbox.guilds[0] ?? '');
  const post = (content: string, i: number) =>
    sandbox.actions.postMessage({
      channelId: view.channels.general ?? '',
      userId: view.memberIds[i] ?? '',
      content,
    }).id;

  const first = gateway(namespace);
  await first.waitForOutput(/^ready$/m);
  const before = post('before the crash', 0);
  await first.waitForOutput(new RegExp(`message ${before}`));
  // The sequence reaches Redis within a fraction of a second of each dispatch.
  await new Promise((r) => setTimeout(r, 500));
  first.child.kill('SIGKILL');
  await first.exited;

  const missed = [post('while it was down', 1), post('still down', 2)];
  const second = gateway(namespace);
  await second.waitForOutput(/^replayed replayed \d+$/m, 30_000);
  for (const id of missed) await second.waitForOutput(new RegExp(`message ${id}`));
  // The new run identified anew (its caches whole) and replayed the old session's backlog.
  expect(second.output()).toMatch(/^ready$/m);
  second.child.kill('SIGKILL');
}, 90_000);

it('a gateway started with no session stored replays nothing', async () => {
  const fresh = gateway(uniqueNamespace());
  await fresh.waitForOutput(/^ready$/m);
  await new Promise((r) => setTimeout(r, 500));
  expect(fresh.output()).not.toMatch(/replayed/);
  fresh.child.kill('SIGKILL');
});
