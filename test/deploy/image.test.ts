import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { topology } from '@chat-guard/events';
import { describe, expect, it, onTestFinished } from 'vitest';
import { externalClosure, type Lockfile } from '../../deploy/docker/externals.ts';
import { SERVICE_ENV, SERVICE_NODE_ARGS, serviceArgs, serviceEnv } from '../../libs/cli/src/services.ts';
import { busFactory, NATS_URL, uniqueNamespace } from '../support/bus.ts';
import { repoRoot } from '../support/processes.ts';

describe('the image', () => {
  const dockerfile = readFileSync(`${repoRoot}deploy/docker/Dockerfile`, 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('is built in one stage by the script the local build runs, and runs in another with no shell', () => {
    expect(stages).toHaveLength(2);
    const [build = '', run = ''] = stages;
    expect(build).toMatch(/^RUN node --import tsx deploy\/docker\/build\.ts --out \/out$/m);
    expect(run).toMatch(/^gcr\.io\/distroless\/nodejs20-debian12:nonroot/);
    expect(run).toMatch(/^COPY --from=build \/out \/app$/m);
    expect(run).toMatch(/^USER \d+:\d+$/m); // numeric, so Kubernetes can check runAsNonRoot
    // Exec form only: the entrypoint needs no shell, which the run stage does not have.
    const entrypoint = /^ENTRYPOINT (.*)$/m.exec(run)?.[1] ?? '';
    expect(JSON.parse(entrypoint)).toEqual([
      '/nodejs/bin/node',
      ...SERVICE_NODE_ARGS.filter((a) => !a.startsWith('--max-semi-space-size')),
      '--import',
      './dist/instrument.mjs',
    ]);
    // What Node accepts in NODE_OPTIONS is set there, so operators can override it.
    const env = /^ENV (.*)$/m.exec(run)?.[1]?.split(' ') ?? [];
    expect(env).toContain('NODE_OPTIONS=--max-semi-space-size=2');
    // The image runs with the environment `chat-guard up` and the bench give the services.
    for (const [name, value] of Object.entries(SERVICE_ENV)) expect(env).toContain(`${name}=${value}`);
    expect(run).not.toMatch(/^RUN /m);
  });

  it('builds as the Dockerfile does and starts the raid detector from the output alone, wasm included', {
    timeout: 240_000,
  }, async () => {
    const namespace = uniqueNamespace();
    onTestFinished(() => busFactory(namespace, topology).cleanup());
    const child = spawn('bash', ['deploy/docker/build-local.sh', 'anomaly-detector'], {
      cwd: repoRoot,
      env: { ...process.env, NATS_URL, NATS_NAMESPACE: namespace, HTTP_HOST: '127.0.0.1', HTTP_PORT: '0' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, output).toBe(0);
    // The model's directory and the TF.js wasm backend were found in the output, not the repo.
    expect(output).toMatch(/"modelDir":"\/tmp\/chat-guard-image\.\w+\/app\/models\/raid-detector"/);
    expect(output).toContain('"backend":"wasm"');
    expect(output).toContain('"msg":"drained"');
    const summary = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { readyMs?: number };
    expect(summary.readyMs).toBeGreaterThan(0);
  });
});

describe('the packages beside the bundles', () => {
  const lock: Lockfile = {
    packages: {
      '': {},
      'node_modules/a': { dependencies: { b: '^1', c: '^1' }, optionalDependencies: { gone: '^1' } },
      'node_modules/b': { dependencies: { c: '^2' } },
      'node_modules/b/node_modules/c': {},
      'node_modules/c': {
        peerDependencies: { p: '^1', q: '^1' },
        peerDependenciesMeta: { q: { optional: true } },
      },
      'node_modules/p': {},
      'node_modules/dev-only': { dev: true },
    },
  };

  it('are the imported ones and what they need, resolved as Node resolves them', () => {
    expect(externalClosure(lock, ['a'])).toEqual([
      'node_modules/a',
      'node_modules/b',
      'node_modules/b/node_modules/c',
      'node_modules/c',
      'node_modules/p',
    ]);
  });

  it('leave out optional packages that are not installed, and refuse missing required ones', () => {
    expect(externalClosure(lock, ['b', 'native-addon'], ['native-addon'])).toEqual([
      'node_modules/b',
      'node_modules/b/node_modules/c',
    ]);
    expect(() => externalClosure(lock, ['missing'])).toThrow(
      /missing is imported by the bundles but not installed/,
    );
    const broken: Lockfile = { packages: { 'node_modules/x': { dependencies: { y: '^1' } } } };
    expect(() => externalClosure(broken, ['x'])).toThrow('node_modules/x needs y');
  });
});

describe('chat-guard with CHAT_GUARD_RUNTIME', () => {
  it('runs services from source by default and from dist/ when compiled', () => {
    expect(serviceArgs('gateway', {})).toEqual([
      '--max-semi-space-size=2',
      '--heap-growing-percent=20',
      '--import',
      'tsx',
      '--import',
      '@chat-guard/runtime/instrument',
      'services/gateway/src/main.ts',
    ]);
    expect(() => serviceArgs('no-such-service', { CHAT_GUARD_RUNTIME: 'compiled' })).toThrow(
      /dist\/services\/no-such-service\/main\.mjs does not exist: run `npm run build` first/,
    );
    expect(() => serviceArgs('gateway', { CHAT_GUARD_RUNTIME: 'bundled' })).toThrow(
      'CHAT_GUARD_RUNTIME must be "source" or "compiled"',
    );
  });

  it('runs services with two malloc arenas unless the caller says otherwise', () => {
    expect(serviceEnv({ PATH: '/bin' })).toEqual({ PATH: '/bin', MALLOC_ARENA_MAX: '2' });
    expect(serviceEnv({ MALLOC_ARENA_MAX: '8' }).MALLOC_ARENA_MAX).toBe('8');
  });
});
