import { runService } from '@chat-guard/runtime';

await runService({
  name: 'anomaly-detector',
  defaultHttpPort: 8084,
  needs: { postgres: true, redis: true },
});
