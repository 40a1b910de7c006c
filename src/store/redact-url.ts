/**
 * A store URL fit for messages and logs: the password (everything after the first `:` of the
 * user-info part) becomes `***`. Works on strings that are not valid URLs too, because the
 * message that rejects a malformed STORE_URL must not leak the password it contains either.
 * A user-info part without `:` is masked whole: someone may have put a password there.
 */
export function redactUrl(url: string): string {
  const schemeEnd = url.indexOf('://');
  if (schemeEnd === -1) return url;
  const authorityStart = schemeEnd + 3;
  // The last `@` ends the user-info: a password may contain an unencoded `@`.
  const at = url.lastIndexOf('@');
  if (at < authorityStart) return url;
  const userInfo = url.slice(authorityStart, at);
  const colon = userInfo.indexOf(':');
  const masked = colon === -1 ? '***' : `${userInfo.slice(0, colon)}:***`;
  return `${url.slice(0, authorityStart)}${masked}${url.slice(at)}`;
}
