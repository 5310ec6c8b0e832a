import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, nearly always 100). */
export const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** A process's CPU time so far (user + system), in ticks; null once it is gone. */
export function cpuTicks(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** VmRSS of a process, in MB; null once it is gone. */
export function rssMb(pid: number): number | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return kb === undefined ? null : Number(kb) / 1024;
}

/** Every process whose command name (/proc/<pid>/comm) is `comm`. */
export function pidsByName(comm: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false; // it exited meanwhile
        throw err;
      }
    })
    .map(Number);
}

/**
 * CPU used by a changing set of processes between `start(pids)` and `stop(pids)`, in seconds: each
 * process counts from the first sample that saw it (a process started meanwhile counts whole).
 */
export class CpuMeter {
  readonly #before = new Map<number, number>();

  start(pids: readonly number[]): void {
    this.#before.clear();
    for (const pid of pids) {
      const ticks = cpuTicks(pid);
      if (ticks !== null) this.#before.set(pid, ticks);
    }
  }

  /** Seconds of CPU since `start()`, summed over the processes alive now. */
  stop(pids: readonly number[]): number {
    let seconds = 0;
    for (const used of this.stopEach(pids).values()) seconds += used;
    return seconds;
  }

  /** Seconds of CPU since `start()` of each process alive now. */
  stopEach(pids: readonly number[]): Map<number, number> {
    const used = new Map<number, number>();
    for (const pid of new Set([...pids, ...this.#before.keys()])) {
      const now = cpuTicks(pid);
      if (now !== null) used.set(pid, (now - (this.#before.get(pid) ?? 0)) / CLOCK_TICKS);
    }
    return used;
  }
}

/** The processes whose parent is `ppid`, with their command lines. */
export function childrenOf(ppid: number): { pid: number; cmdline: string }[] {
  const children: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== ppid) continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      children.push({ pid: Number(entry), cmdline });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err; // it exited meanwhile
    }
  }
  return children;
}
