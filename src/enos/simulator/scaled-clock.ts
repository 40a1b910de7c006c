import type { Clock } from '../../core/ports';

/**
 * A clock that runs `scale` times faster than the wall clock from `start` on (DEMO_TIME_SCALE):
 * the simulator's minutes, its one-minute rule and its run times, and the demo app's "now", all
 * pass faster together, so that what they say about each other stays true.
 */
export function scaledClock(scale: number, start: number = Date.now(), wall: Clock = Date.now): Clock {
  return () => start + Math.round((wall() - start) * scale);
}
