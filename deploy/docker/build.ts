// The image's build steps, runnable anywhere: bundle every service, the CLI and the telemetry
// preload with esbuild, and the dashboard's front end with Vite; copy the packages left outside
// the bundles (and what they need, by package-lock.json) and the raid model beside them. The
// Dockerfile runs this; so does build-local.sh, which then starts a service from the output.
//
//   node --import tsx deploy/docker/build.ts --out DIR      # DIR/dist, DIR/node_modules, DIR/models
//   node --import tsx deploy/docker/build.ts --bundle-only  # dist/ in the repository (CHAT_GUARD_RUNTIME=compiled)
//   node --import tsx deploy/docker/build.ts --dashboard-web  # only the dashboard's pages, dist/dashboard-web

import { spawn } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Metafile, type Plugin } from 'esbuild';
import { externalClosure, type Lockfile, packageName } from './externals.ts';

const root = resolve(import.meta.dirname, '../..');

/**
 * Left out of the bundles: what OpenTelemetry instruments or hooks by module (pg, ioredis and
 * its own packages must be the copies the hooks see), TensorFlow.js (one engine, and its wasm
 * binaries beside its code), and optional native add-ons that are not installed.
 */
export const EXTERNAL = [
  'pg',
  'pg-native',
  'ioredis',
  '@opentelemetry/*',
  'import-in-the-middle',
  'require-in-the-middle',
  '@tensorflow/*',
  'bufferutil',
  'utf-8-validate',
  'zlib-sync',
];
/** Tried at run time and used only when installed (native add-ons, the native TF.js backend). */
const OPTIONAL = [
  '@tensorflow/tfjs-node',
  'pg-native',
  'bufferutil',
  'utf-8-validate',
  'zlib-sync',
  // Vega renders the raid lab's plots to SVG; it tries node-canvas only for PNG output.
  'canvas',
];
/**
 * Required by an external package that does not declare it: @tensorflow/tfjs's Node entry
 * requires `long` (the anomaly-detector declares it, so it is installed at the root).
 */
const UNDECLARED = ['long'];
/** Loaded by name at run time rather than imported: `register('@opentelemetry/instrumentation/hook.mjs')`. */
const LOADED_BY_NAME = ['@opentelemetry/instrumentation', 'import-in-the-middle'];

/**
 * The instrumented packages, loaded through require() in the bundles: OpenTelemetry patches a
 * require()d module without an ES-module loader hook, and that hook costs every service a
 * thread of its own (about 12 MB each). From source (tsx), the hook still does it.
 */
export const REQUIRED_INSTRUMENTED = ['pg', 'ioredis'];

/** Turns `import x, { a } from 'pg'` into a module that re-exports `require('pg')`. */
function requireInstrumented(): Plugin {
  const require = createRequire(join(root, 'package.json'));
  const filter = new RegExp(`^(${REQUIRED_INSTRUMENTED.join('|')})$`);
  return {
    name: 'require-instrumented',
    setup(b) {
      b.onResolve({ filter }, (args) =>
        args.namespace === 'required'
          ? { path: args.path, external: true }
          : { path: args.path, namespace: 'required' },
      );
      b.onLoad({ filter: /.*/, namespace: 'required' }, (args) => {
        const names = Object.keys(require(args.path) as object).filter(
          (n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default',
        );
        return {
          contents: [
            `const m = require(${JSON.stringify(args.path)});`,
            'export default m;',
            ...names.map((n) => `export const ${n} = m.${n};`),
          ].join('\n'),
          loader: 'js',
          resolveDir: root,
        };
      });
    },
  };
}

async function entryPoints(): Promise<Record<string, string>> {
  const services = await readdir(join(root, 'services'));
  return {
    instrument: join(root, 'libs/runtime/src/instrument.ts'),
    'chat-guard': join(root, 'libs/cli/src/run.ts'),
    // services/<name>/main.mjs sits as deep as services/<name>/src/main.ts, so paths a service
    // finds from its own file (the raid model's ../../../models) hold in both.
    ...Object.fromEntries(
      services.map((name) => [`services/${name}/main`, join(root, `services/${name}/src/main.ts`)]),
    ),
  };
}

/** Bundles into `outdir`; returns the packages the bundles import from node_modules. */
export async function bundle(
  outdir: string,
  options: { extraEntries?: Record<string, string>; web?: boolean } = {},
): Promise<string[]> {
  const version = (JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { version: string })
    .version;
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { ...(await entryPoints()), ...options.extraEntries },
    outdir,
    bundle: true,
    splitting: true, // one copy of each module: the preload and the service share telemetry
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    // Every service holds its bundles' source text in memory: without comments and spaces (and
    // with non-ASCII escaped, so V8 keeps one byte a character) that is a third of the size.
    // Names are kept (keepNames): discord.js reads its managers' class names to apply the cache
    // limits (`Options.cacheWithLimits`), and without it a renamed `_MessageManager` got no limit
    // at all; stack traces stay readable too. NODE_OPTIONS=--enable-source-maps maps them to the
    // sources.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    charset: 'ascii',
    external: EXTERNAL,
    plugins: [requireInstrumented()],
    define: { CHAT_GUARD_VERSION: JSON.stringify(version), CHAT_GUARD_BUNDLED: 'true' },
    // CommonJS packages inside an ES module still call require() for Node's built-ins.
    banner: {
      js: "import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);",
    },
    metafile: true,
    logLevel: 'warning',
  });
  if (options.web !== false) await buildDashboardWeb(join(outdir, 'dashboard-web'));
  return importedPackages(result.metafile);
}

/** The dashboard's front end (React, built by Vite): static files its service serves from dist/dashboard-web. */
export async function buildDashboardWeb(outDir: string): Promise<void> {
  const { build: viteBuild } = await import('vite');
  // A production build whatever NODE_ENV says (vitest sets it to test): Vite and the React
  // plugin both read it, for React's runtime and for the JSX transform, which must agree.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await viteBuild({
      configFile: join(root, 'services/dashboard/web/vite.config.ts'),
      mode: 'production',
      build: { outDir, emptyOutDir: true },
      logLevel: 'warn',
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] ?? '');
}

function importedPackages(metafile: Metafile): string[] {
  const names = new Set(LOADED_BY_NAME);
  for (const output of Object.values(metafile.outputs))
    for (const imported of output.imports)
      if (imported.external && !isBuiltin(imported.path)) names.add(packageName(imported.path));
  return [...names].sort();
}

/**
 * The files of each package, without its own node_modules (the packages nested there that it
 * needs are in `paths` themselves), relative to the repository.
 */
async function runtimeFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string, packageRoot: string): Promise<void> => {
    for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (path === `${packageRoot}/node_modules`) continue;
      const isDir =
        entry.isDirectory() || (entry.isSymbolicLink() && (await stat(join(root, path))).isDirectory());
      if (isDir) await walk(path, packageRoot);
      else if (neededAtRunTime(path)) files.push(path);
    }
  };
  for (const path of paths) await walk(path, path);
  return files;
}

/** Copies files (paths relative to the repository) into `out` with tar, which is many times faster than fs.cp. */
async function copyFiles(files: readonly string[], out: string): Promise<void> {
  const pack = spawn('tar', ['-C', root, '-h', '--no-recursion', '-cf', '-', '-T', '-'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const unpack = spawn('tar', ['-C', out, '-xf', '-'], { stdio: ['pipe', 'inherit', 'inherit'] });
  pack.stdout.pipe(unpack.stdin);
  pack.stdin.end(`${files.join('\n')}\n`);
  const exited = (child: ReturnType<typeof spawn>, what: string) =>
    new Promise<void>((resolve, reject) =>
      child.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`${what} exited with ${code}`)),
      ),
    );
  await Promise.all([exited(pack, 'tar (pack)'), exited(unpack, 'tar (unpack)')]);
}

/** Source maps and type declarations of dependencies are two thirds of their size and never loaded. */
function neededAtRunTime(source: string): boolean {
  return !/\.(map|d\.[cm]?ts)$/.test(source);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      'bundle-only': { type: 'boolean' },
      'dashboard-web': { type: 'boolean' },
    },
  });
  if (values['dashboard-web']) {
    await buildDashboardWeb(join(root, 'dist/dashboard-web'));
    process.stdout.write('dist/dashboard-web built\n');
    return;
  }
  if (values['bundle-only']) {
    const packages = await bundle(join(root, 'dist'));
    process.stdout.write(`dist/ built; packages outside the bundles: ${packages.join(', ')}\n`);
    return;
  }
  if (!values.out) throw new Error('usage: build.ts --out DIR | --bundle-only | --dashboard-web');
  const out = resolve(values.out);
  if (out === root) throw new Error('--out must not be the repository itself');
  await mkdir(out, { recursive: true });
  const packages = await bundle(join(out, 'dist'));
  const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as Lockfile;
  const paths = externalClosure(lock, [...packages, ...UNDECLARED], OPTIONAL);
  await rm(join(out, 'node_modules'), { recursive: true, force: true });
  await copyFiles(await runtimeFiles(paths), join(out));
  await cp(join(root, 'models/raid-detector'), join(out, 'models/raid-detector'), { recursive: true });
  await writeFile(
    join(out, 'package.json'),
    `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`,
  );
  process.stdout.write(
    `${out}: dist/, models/ and ${paths.length} packages (${packages.join(', ')} and what they need)\n`,
  );
}

if (import.meta.filename === resolve(process.argv[1] ?? '')) await main();
