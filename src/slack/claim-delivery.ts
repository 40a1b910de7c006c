import { claimKey } from '../core/claim-key';
import type { ClaimStore } from '../core/ports';

/** Long enough to outlast every redelivery Slack makes (Socket Mode retries within minutes). */
export const DELIVERY_TTL_MS = 60 * 60 * 1000;

/**
 * True for the first delivery of a request, false for a redelivery. Bolt runs the handler again for
 * a redelivered request, so de-duplication is the app's: an atomic claim shared by all replicas.
 * `parts` identify the request (kind, team, …); each is encoded (claim-key.ts).
 */
export async function claimDelivery(claims: ClaimStore, ...parts: Array<string | number>): Promise<boolean> {
  const result = await claims.claim(claimKey('delivery', ...parts), String(Date.now()), DELIVERY_TTL_MS);
  return result.claimed;
}
