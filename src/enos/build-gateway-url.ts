/**
 * The URL of a gateway call. `ENOS_API_GATEWAY_URL` may carry a path prefix and a trailing slash
 * (`https://host/prefix/`), so the service path is appended to the base path rather than resolved
 * against it (`new URL('/x', base)` would drop the prefix).
 *
 * Query values are percent-encoded with `encodeURIComponent`: a space becomes `%20` and `+` becomes
 * `%2B`, so the gateway decodes exactly the values that were signed.
 */
export function buildGatewayUrl(
  gatewayUrl: string,
  servicePath: string,
  query: ReadonlyArray<readonly [string, string]> = [],
): string {
  const base = new URL(gatewayUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const path = servicePath.replace(/^\/+/, '');
  const search = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return `${base.origin}${prefix}/${path}${search === '' ? '' : `?${search}`}`;
}
