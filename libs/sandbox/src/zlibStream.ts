import { constants, createDeflate } from 'node:zlib';
import type { WebSocket } from 'ws';

/**
 * Sends each payload as one binary frame of a shared zlib stream ending in Z_SYNC_FLUSH, the
 * way Discord answers `compress=zlib-stream`. Frames go out strictly in order, one per payload.
 */
export function zlibStreamSender(ws: WebSocket, onError: (err: Error) => void): (json: string) => void {
  const deflate = createDeflate();
  let chunks: Buffer[] = [];
  let queue = Promise.resolve();
  deflate.on('data', (chunk: Buffer) => chunks.push(chunk));
  deflate.on('error', onError);
  ws.once('close', () => deflate.close());
  return (json) => {
    queue = queue.then(
      () =>
        new Promise<void>((resolve) => {
          deflate.write(json);
          deflate.flush(constants.Z_SYNC_FLUSH, () => {
            const frame = Buffer.concat(chunks);
            chunks = [];
            if (ws.readyState === 1) ws.send(frame);
            resolve();
          });
        }),
    );
  };
}
