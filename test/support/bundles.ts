import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundle } from '../../deploy/docker/build.ts';
import { repoRoot } from './processes.ts';

/**
 * Builds the services' bundles, as the image has them, plus `probes` (name → source file), into
 * a folder inside the repository (so a bundle's require('pg') finds node_modules as in the
 * image), runs `work` on it and removes it.
 */
export async function withBundles(
  probes: Record<string, string>,
  work: (out: string) => Promise<void> | void,
): Promise<void> {
  mkdirSync(join(repoRoot, '.cache'), { recursive: true });
  const out = mkdtempSync(join(repoRoot, '.cache', 'bundle-'));
  try {
    await bundle(out, { extraEntries: probes, web: false });
    await work(out);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
