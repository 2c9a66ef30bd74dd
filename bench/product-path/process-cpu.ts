import { readFileSync } from 'node:fs';

/** Linux's clock ticks per second (USER_HZ), which /proc reports CPU time in: 100 on every mainstream architecture. */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) a process has used so far, in ms; undefined when it is gone or there is no /proc. */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself hold spaces: utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU ms each named process used between `before` and now. */
export function cpuSince(before: Map<string, { pid: number; ms: number }>): Map<string, number> {
  const used = new Map<string, number>();
  for (const [name, { pid, ms }] of before) {
    const now = processCpuMs(pid);
    if (now !== undefined) used.set(name, now - ms);
  }
  return used;
}

export function cpuNow(processes: { name: string; pid: number }[]): Map<string, { pid: number; ms: number }> {
  return new Map(processes.flatMap(({ name, pid }) => {
    const ms = processCpuMs(pid);
    return ms === undefined ? [] : [[name, { pid, ms }] as const];
  }));
}
