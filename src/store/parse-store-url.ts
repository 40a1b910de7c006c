import path from 'node:path';
import { StoreError } from '../core/errors';
import { redactUrl } from './redact-url';

/** Where a store lives, parsed from STORE_URL. */
export type StoreLocation =
  | {
      backend: 'sqlite';
      /** Absolute path of the database file, or `:memory:` (private to one process and one Store). */
      filename: string;
    }
  | {
      backend: 'redis';
      /** The URL as given, handed to node-redis (which reads user, password, host, port, db and TLS from it). */
      url: string;
    };

/** The accepted STORE_URL forms, for error messages. */
export const ACCEPTED_STORE_URLS =
  'sqlite://data/flow-trigger.sqlite (a path relative to the working directory), ' +
  'sqlite:///absolute/path/flow-trigger.sqlite, sqlite://:memory: (tests only), ' +
  'redis://[user:password@]host:port[/db], rediss://[user:password@]host:port[/db] (TLS)';

/**
 * Parses a STORE_URL. Relative SQLite paths are resolved against `cwd`. Throws a StoreError that
 * names the accepted forms, and the URL without its password, for anything else.
 */
export function parseStoreUrl(url: string, cwd: string = process.cwd()): StoreLocation {
  const reject = (why: string): never => {
    throw new StoreError(
      `STORE_URL "${redactUrl(url)}" is not usable: ${why}. Accepted forms: ${ACCEPTED_STORE_URLS}.`,
    );
  };

  if (url.startsWith('sqlite://')) {
    const file = url.slice('sqlite://'.length);
    if (file === '') return reject('it names no database file');
    if (file === ':memory:') return { backend: 'sqlite', filename: file };
    return { backend: 'sqlite', filename: path.resolve(cwd, file) };
  }

  if (url.startsWith('redis://') || url.startsWith('rediss://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return reject('it is not a valid URL');
    }
    if (parsed.hostname === '') return reject('it names no host');
    // node-redis reads the database number from the path; anything else there is a typo.
    if (!/^\/?(\d+)?$/.test(parsed.pathname)) return reject('the path must be a database number, like /0');
    return { backend: 'redis', url };
  }

  return reject('unknown scheme');
}
