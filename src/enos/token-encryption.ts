import { createHash } from 'node:crypto';

/**
 * The token service's `encryption` (docs/enos-api.md §1a): lowercase hex SHA-256 of
 * `appKey + timestamp + appSecret`, plain concatenation, timestamp in decimal epoch milliseconds.
 */
export function tokenEncryption(appKey: string, timestamp: number, appSecret: string): string {
  return createHash('sha256')
    .update(appKey + String(timestamp) + appSecret, 'utf8')
    .digest('hex');
}
