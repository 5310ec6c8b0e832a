// Entry point for `node --import tsx libs/cli/src/run.ts <command>` (the bin script does the same).
import { main } from './main.ts';

const code = await main(process.argv.slice(2));
// A failed command may leave a connection attempt pending (a host that never answers): it must
// not keep the process alive past its message. A command that succeeded exits once it is idle.
if (code !== 0) process.exit(code);
process.exitCode = code;
