/**
 * A claim key from its parts, each URI-encoded like the store's other keys (create-store-keys.ts):
 * an ID containing `:` cannot make the keys of two different requests the same. Ordinary Slack and
 * EnOS IDs (`T…`, `V…`, `1234.5678.abc`, `3377-20261127090000`) encode to themselves, so keys
 * written before this encoding keep their meaning.
 */
export function claimKey(...parts: Array<string | number>): string {
  return parts.map((part) => encodeURIComponent(String(part))).join(':');
}
