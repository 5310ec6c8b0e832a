import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);

let fallbackReason: string | null = null;

/** Why the native backend was not used, when it is installed but failed to load; null otherwise. */
export function tensorflowFallbackReason(): string | null {
  return fallbackReason;
}

function isModuleMissing(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * Picks the fastest TensorFlow.js backend there is: the native one when
 * `@tensorflow/tfjs-node` is installed, WebAssembly otherwise. Returns its name.
 */
export async function initTensorflow(): Promise<string> {
  if (tf.getBackend() === 'tensorflow' || tf.getBackend() === 'wasm') return tf.getBackend();
  try {
    await import('@tensorflow/tfjs-node' as string);
    if (await tf.setBackend('tensorflow')) return 'tensorflow';
  } catch (err) {
    // Not installed (it needs libtensorflow, which many machines cannot download): use wasm.
    // Installed but broken is worth saying: the service logs the reason.
    if (!isModuleMissing(err)) fallbackReason = err instanceof Error ? err.message : String(err);
  }
  setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js wasm backend could not start');
  await tf.ready();
  return 'wasm';
}
