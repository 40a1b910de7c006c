import { readFile } from 'node:fs/promises';
import { type Document, isNode, LineCounter, parseDocument, type YAMLError } from 'yaml';
import type { Policy } from '../core/policy/policy';
import type { PolicyDirectory } from '../core/policy/policy-directory';
import { formatPolicyProblem, PolicyError, type PolicyProblem } from '../core/policy/policy-problems';
import { type PolicySpec, parsePolicy } from '../core/policy/policy-schema';
import { resolvePolicy } from '../core/policy/resolve-policy';

/**
 * Reads POLICY_FILE: YAML (eemeli/yaml, YAML 1.2 core schema, so `no` and `on` stay text), then the
 * format (parsePolicy), then the names through Slack's directory (resolvePolicy). Any problem throws
 * a PolicyError that lists every problem found at that stage with its line, so a bad file stops the
 * app at start, and a reload keeps the policy it had.
 */

/** Anchors and aliases are allowed, but not enough of them to expand a small file into a huge one. */
const MAX_ALIASES = 100;
/** A policy is a few dozen lines; a file this large is not one (a wrong path, a log). */
export const MAX_POLICY_FILE_BYTES = 1_000_000;

export interface LoadPolicyOptions {
  /** Reads the file; tests may hand in text. */
  read?: (file: string) => Promise<string>;
}

/** Reads, validates and resolves the policy file; throws PolicyError listing every problem. */
export async function loadPolicyFile(
  file: string,
  directory: PolicyDirectory,
  options: LoadPolicyOptions = {},
): Promise<Policy> {
  const text = await readPolicyText(file, options.read ?? ((f) => readFile(f, 'utf8')));
  return loadPolicyText(file, text, directory);
}

/** As loadPolicyFile, from the text of the file; `file` names it in messages. */
export async function loadPolicyText(
  file: string,
  text: string,
  directory: PolicyDirectory,
): Promise<Policy> {
  const { spec, fail } = parsePolicyText(file, text);
  const resolved = await resolvePolicy(spec, directory);
  if (!resolved.ok) throw fail(resolved.problems);
  return resolved.policy;
}

/**
 * The YAML and format stages alone (no Slack): the parsed policy, and how to report later problems
 * with their lines. Throws PolicyError on a syntax error or a format problem.
 */
export function parsePolicyText(
  file: string,
  text: string,
): { spec: PolicySpec; fail: (problems: PolicyProblem[]) => PolicyError } {
  if (Buffer.byteLength(text, 'utf8') > MAX_POLICY_FILE_BYTES) {
    throw new PolicyError(file, [
      `the file is larger than ${MAX_POLICY_FILE_BYTES} bytes: check that POLICY_FILE names the policy file`,
    ]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new PolicyError(
      file,
      doc.errors.map((error) => syntaxProblem(error, lineCounter)),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (error) {
    throw new PolicyError(file, [
      `the file could not be read as YAML (${error instanceof Error ? error.message : String(error)}): ` +
        'use fewer anchors and aliases (*name)',
    ]);
  }
  const rules = (raw as { rules?: unknown } | null)?.rules;
  const fail = (problems: PolicyProblem[]) =>
    new PolicyError(
      file,
      problems
        .map((problem) => ({ ...problem, line: lineOf(doc, lineCounter, problem.path) }))
        // Stable: problems on the same line keep the order the checks found them in.
        .sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
        .map((problem) => formatPolicyProblem(problem, rules)),
    );
  const parsed = parsePolicy(raw);
  if (!parsed.ok) throw fail(parsed.problems);
  return { spec: parsed.policy, fail };
}

async function readPolicyText(file: string, read: (file: string) => Promise<string>): Promise<string> {
  try {
    return await read(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'the file does not exist: check POLICY_FILE (a path relative to the working directory, or absolute), or unset it to run without a policy'
        : code === 'EACCES' || code === 'EPERM'
          ? 'the file cannot be read: let the user the app runs as read it'
          : code === 'EISDIR'
            ? 'this is a folder: POLICY_FILE must name the YAML file'
            : `the file could not be read (${code ?? (error instanceof Error ? error.message : String(error))})`;
    throw new PolicyError(file, [problem]);
  }
}

/** `line 3, column 13: Plain value cannot start with reserved character @ (…hint)`. */
function syntaxProblem(error: YAMLError, lineCounter: LineCounter): string {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  return `line ${line}, column ${col}: the YAML is invalid: ${error.message}${syntaxHint(error)}`;
}

function syntaxHint(error: YAMLError): string {
  if (error.code === 'BAD_SCALAR_START' && error.message.includes('@')) {
    return '. Quote user group handles: "@data-leads"';
  }
  if (error.message.includes('Comments'))
    return '. A # starts a comment in YAML: quote channel names, "#data-oncall"';
  if (error.code === 'DUPLICATE_KEY') return '. Each field may appear once per rule';
  if (error.code === 'TAB_AS_INDENT') return '. Indent with spaces';
  return '';
}

/** The line of the value at `path`, or of the nearest enclosing one the file has (a missing field). */
function lineOf(doc: Document, lineCounter: LineCounter, path: (string | number)[]): number | undefined {
  for (let length = path.length; length >= 0; length -= 1) {
    const node = length === 0 ? doc.contents : doc.getIn(path.slice(0, length), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}
