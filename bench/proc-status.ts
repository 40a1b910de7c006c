import { readFileSync, writeFileSync } from 'node:fs';

/** Resident memory of a process, from /proc/<pid>/status (Linux), in KiB. */
export interface ProcMemory {
  /** VmRSS: resident now. */
  rssKiB: number;
  /** VmHWM: the peak resident size (since start, or since {@link resetPeak}). */
  hwmKiB: number;
}

export function readProcMemory(pid: number): ProcMemory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match) throw new Error(`no ${name} in /proc/${pid}/status`);
    return Number(match[1]);
  };
  return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0: `echo 5 > /proc/<pid>/clear_refs`). False if refused. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples VmRSS every `intervalMs` until stopped; the peak is a backstop for VmHWM. */
export function sampleRss(pid: number, intervalMs = 25): { stop(): { maxKiB: number; samples: number } } {
  let maxKiB = 0;
  let samples = 0;
  const timer = setInterval(() => {
    try {
      maxKiB = Math.max(maxKiB, readProcMemory(pid).rssKiB);
      samples += 1;
    } catch {
      // the process is gone: the caller notices elsewhere
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { maxKiB, samples };
    },
  };
}
