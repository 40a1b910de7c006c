/** How far apart two clocks may be before it is worth a warning: EnOS times are read to the second. */
export const MAX_CLOCK_SKEW_MS = 30_000;

/**
 * How far the EnOS server's clock is ahead of ours (negative: behind), from its reading `serverMs`
 * taken between our `sentAt` and `receivedAt`: the middle of the round trip is our best guess of
 * when EnOS read its clock.
 */
export function clockSkewMs(serverMs: number, sentAt: number, receivedAt: number): number {
  return Math.round(serverMs - (sentAt + receivedAt) / 2);
}
