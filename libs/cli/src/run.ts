// Entry point for `node --import tsx libs/cli/src/run.ts <command>` (the bin script does the same).
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
