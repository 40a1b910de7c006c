/**
 * The rules for one `KEY=VALUE` parameter, shared by the slash-command parser and the modal's
 * parameter field so that both accept and refuse exactly the same things.
 */
import { LIMITS } from './limits';
import { formatCount, quoteToken } from './parse-usage-error';
import type { FlowParameter } from './ports';

/** docs/product.md §1: keys match `[A-Za-z_][A-Za-z0-9_.-]*`. */
const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

// Line breaks and other control characters cannot be typed into a single-line modal entry nor
// shown in the parent message; in a value they are nearly always a paste accident.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** The hint that ends messages about parameters. */
export const PARAMETER_HINT = 'Expected KEY=VALUE, like REPLACE=ddee.';

/** Why `key` cannot name a parameter, or undefined when it can. */
export function validateParameterKey(key: string): string | undefined {
  if (key === '') return 'A parameter needs a name before the `=`.';
  if (key.length > LIMITS.maxKeyLength) {
    return (
      `The parameter name ${quoteToken(key)} is too long (${formatCount(key.length)} characters; ` +
      `the limit is ${formatCount(LIMITS.maxKeyLength)}).`
    );
  }
  if (!KEY_PATTERN.test(key)) {
    return (
      `${quoteToken(key)} is not a valid parameter name: a name starts with a letter or _ and ` +
      'continues with letters, digits, _, . or -.'
    );
  }
  return undefined;
}

/**
 * Why `value` cannot be a parameter value, or undefined when it can. An empty value is allowed:
 * it sets the parameter to the empty string for this run. `key` only names the parameter in the
 * message.
 */
export function validateParameterValue(value: string, key?: string): string | undefined {
  const subject = key === undefined ? 'The value' : `The value of ${quoteToken(key)}`;
  if (value.length > LIMITS.maxValueLength) {
    return (
      `${subject} is too long (${formatCount(value.length)} characters; ` +
      `the limit is ${formatCount(LIMITS.maxValueLength)}). Shorten the value.`
    );
  }
  if (CONTROL_CHARACTER.test(value)) {
    return `${subject} contains a line break or another control character, which a parameter cannot hold. Keep the value on one line.`;
  }
  return undefined;
}

/**
 * Adds `key=value` to `parameters` after checking the key, the value, that the key is new (a
 * repeated key is an error, never a silent overwrite; keys are compared exactly, as EnOS does)
 * and the count limit. Returns why it was refused (a whole message, hint included), leaving
 * `parameters` unchanged.
 */
export function appendParameter(parameters: FlowParameter[], key: string, value: string): string | undefined {
  const keyProblem = validateParameterKey(key);
  if (keyProblem) return `${keyProblem} ${PARAMETER_HINT}`;
  const valueProblem = validateParameterValue(value, key);
  if (valueProblem) return valueProblem;
  if (parameters.some((parameter) => parameter.key === key)) {
    return `The parameter ${quoteToken(key)} is given twice: give each parameter once.`;
  }
  if (parameters.length >= LIMITS.maxParameters) {
    return (
      `Too many parameters: the limit is ${formatCount(LIMITS.maxParameters)} per run. ` +
      'Leave out the ones whose current value is right.'
    );
  }
  parameters.push({ key, value });
  return undefined;
}
