import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { killOnExit } from './node-processes.js';

/** CPU and memory of one idle process over a window. */
export interface IdleUsage {
  /** CPU time (user + system) per second of wall clock, in ms. */
  readonly cpuMsPerSecond: number;
  /** Resident set size at the end of the window, in bytes. */
  readonly rssBytes: number;
}

/** Clock ticks per second of `/proc/<pid>/stat`'s times. */
let ticksPerSecond: number | undefined;

function clockTicks(): number {
  ticksPerSecond ??= readClockTicks();
  return ticksPerSecond;
}

function readClockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/** User + system CPU time of `pid` so far, in ticks (fields 14 and 15 of `/proc/<pid>/stat`). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count after its end.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * CPU time (user + system) used so far by this process and every process of `pids` together, in
 * ms; other processes' times have the resolution of a clock tick (usually 10 ms).
 */
export function cpuMsOf(pids: readonly number[]): number {
  const own = process.cpuUsage();
  const ticks = pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
  return (own.user + own.system) / 1000 + (ticks / clockTicks()) * 1000;
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * CPU per second and RSS of each process in `pids` over the same `windowMs` of wall clock, read
 * from `/proc` (Linux) so that the processes measure nothing themselves.
 */
export async function idleUsage(pids: readonly number[], windowMs: number): Promise<IdleUsage[]> {
  const ticks = clockTicks();
  const before = pids.map(cpuTicks);
  const begin = performance.now();
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  const after = pids.map(cpuTicks);
  const seconds = (performance.now() - begin) / 1000;
  return pids.map((pid, i) => ({
    cpuMsPerSecond: (((after[i]! - before[i]!) / ticks) * 1000) / seconds,
    rssBytes: rssBytes(pid),
  }));
}

/**
 * A bare `node` process that only keeps its event loop alive: the floor that an idle node
 * process's CPU and RSS compare with. Killed with SIGKILL when this process exits.
 */
export function spawnBareNode(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], {
    stdio: 'ignore',
  });
  killOnExit(child);
  return child;
}
