import { rm } from 'node:fs/promises';
import { bundle } from '../../deploy/docker/build.ts';
import { TEST_DIST } from './processes.ts';

/**
 * Once per run: bundles every service from this checkout into TEST_DIST, as the image does,
 * for the tests that start services (spawnService); removed when the run ends.
 */
export default async function setup(): Promise<() => Promise<void>> {
  await bundle(TEST_DIST, { web: false });
  return () => rm(TEST_DIST, { recursive: true, force: true });
}
