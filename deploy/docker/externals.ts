/** What package-lock.json (v3) says of one installed package. */
export interface LockedPackage {
  readonly version?: string;
  readonly dev?: boolean;
  readonly link?: boolean;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface Lockfile {
  readonly packages: Record<string, LockedPackage>;
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Where Node finds `name` from the package installed at `from`: its own node_modules, then up. */
function resolveFrom(lock: Lockfile, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return undefined;
    const up = base.lastIndexOf('/node_modules/');
    base = up === -1 ? '' : base.slice(0, up);
  }
}

/**
 * The installed paths (`node_modules/...`) of the given packages and of everything they need at
 * run time, following dependencies, installed optional ones and required peers: the production
 * packages, and no others, that code outside a bundle loads. Packages in `optional` are only
 * tried at run time (`try { await import(...) }`) and left out when not installed.
 */
export function externalClosure(
  lock: Lockfile,
  names: readonly string[],
  optional: readonly string[] = [],
): string[] {
  const found = new Set<string>();
  const visit = (path: string) => {
    if (found.has(path)) return;
    found.add(path);
    const entry = lock.packages[path] ?? {};
    const needs: [string, boolean][] = [
      ...Object.keys(entry.dependencies ?? {}).map((n): [string, boolean] => [n, true]),
      ...Object.keys(entry.optionalDependencies ?? {}).map((n): [string, boolean] => [n, false]),
      ...Object.keys(entry.peerDependencies ?? {}).map((n): [string, boolean] => [
        n,
        !entry.peerDependenciesMeta?.[n]?.optional,
      ]),
    ];
    for (const [name, required] of needs) {
      const target = resolveFrom(lock, path, name);
      if (target) visit(target);
      else if (required) throw new Error(`${path} needs ${name}, which package-lock.json does not install`);
    }
  };
  for (const name of names) {
    const path = `node_modules/${name}`;
    if (!lock.packages[path] && optional.includes(name)) continue; // loaded only when installed
    if (!lock.packages[path])
      throw new Error(`${name} is imported by the bundles but not installed at the root`);
    visit(path);
  }
  return [...found].sort();
}
