import { cp, mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NATS_URL, uniqueNamespace } from '../support/bus.ts';
import { type Spawned, spawnService } from '../support/processes.ts';

const running: Spawned[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function modelCopy(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cg-model-'));
  dirs.push(dir);
  await cp('models/raid-detector', dir, { recursive: true });
  return dir;
}

function startDetector(modelDir: string): Spawned {
  const service = spawnService('anomaly-detector', {
    NATS_URL,
    NATS_NAMESPACE: uniqueNamespace(),
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    MODEL_DIR: modelDir,
  });
  running.push(service);
  return service;
}

describe('the anomaly-detector at start', () => {
  it('refuses to start without its model, naming the file', async () => {
    const dir = await modelCopy();
    await rm(join(dir, 'model.json'));
    const service = startDetector(dir);
    expect(await service.exited).toBe(1);
    expect(service.output()).toContain('could not start');
    expect(service.output()).toContain(`model at ${dir}: model.json is missing`);
  });

  it('refuses a corrupt model, saying what is wrong with it', async () => {
    const dir = await modelCopy();
    await truncate(join(dir, 'weights.bin'), 10);
    const service = startDetector(dir);
    expect(await service.exited).toBe(1);
    expect(service.output()).toMatch(/weights\.bin holds 10 bytes where the manifest needs \d+/);
  });

  it('loads the shipped model, becomes ready, and says on /metrics that it leads', async () => {
    const service = startDetector(await modelCopy());
    await service.waitForOutput(/"msg":"raid model loaded"/);
    await service.waitForOutput(/"msg":"ready"/);
    await service.waitForOutput(/"msg":"deciding for every guild"/);
    const port = /"port":(\d+)/.exec(service.output())?.[1];
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^chatguard_detector_leader\{[^}]*\} 1$/m);
    service.child.kill('SIGTERM');
    expect(await service.exited).toBe(0);
  });
});
