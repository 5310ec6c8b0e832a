#!/usr/bin/env node
// Runs the TypeScript CLI in place: the repository ships sources, not a build. The overview
// (`chat-guard`, `chat-guard --help`) is answered before TypeScript support loads.
import { readFileSync } from 'node:fs';

const [first] = process.argv.slice(2);
if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
  const { formatOverview } = await import('./overview.mjs');
  const commands = JSON.parse(readFileSync(new URL('../src/commands.json', import.meta.url), 'utf8'));
  console.log(formatOverview(commands));
  process.exit(first === undefined ? 2 : 0);
}
const { register } = await import('tsx/esm/api');
register();
await import('../src/run.ts');
