/**
 * Coded errors. Each carries a `userMessage` (what happened and what to do, in words an on-call
 * engineer can act on) apart from the technical `message` that is logged, and keeps the original
 * failure as `cause`. Only the Slack adapter turns these into Slack text.
 */

export interface FlowTriggerErrorOptions {
  cause?: unknown;
}

export abstract class FlowTriggerError extends Error {
  /** A stable string code per class, for logs and tests. */
  abstract readonly code: string;
  readonly userMessage: string;

  constructor(message: string, userMessage: string, options?: FlowTriggerErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.userMessage = userMessage;
  }
}

/** What each documented EnOS business error code means for the person who triggered the flow. */
const ENOS_CODE_EXPLANATIONS: Record<number, string> = {
  62101:
    'EnOS says the linked EnOS user does not exist or does not belong to the linked organization. ' +
    'Ask a flow-trigger admin to check your link (`/flow-trigger whoami` shows it).',
  62102:
    'EnOS refused the request: a parameter is wrong, the flow or run does not exist, or the same flow ' +
    'was already triggered within the last minute. Check the flow id and parameters; if it was a ' +
    'repeat, wait a minute and look at the earlier run first.',
  62103:
    'EnOS says your EnOS user has no privilege for this flow. Ask one of the flow’s owners to add your ' +
    'EnOS user as an owner.',
  62104: 'This flow has no task, so EnOS cannot run it. Add at least one task to the flow in EnOS first.',
  62105:
    'Your EnOS account is locked. Ask your EnOS organization administrator to unlock it, then try again.',
  62109: 'EnOS had an internal error. Nothing was started; try again in a few minutes.',
  99400: 'EnOS rejected a parameter of the request as invalid. Check the flow id and the parameters.',
  99403:
    'The EnOS application behind flow-trigger lacks a permission for this API. Ask the flow-trigger ' +
    'operators to grant the batch-processing service to the application in EnOS.',
  99404: 'EnOS could not find what was asked for. Check the flow id.',
  99500: 'EnOS had an internal error. Try again in a few minutes.',
};

/** The explanation for an EnOS business error code; unknown codes get a generic one. */
export function explainEnosCode(code: number): string {
  return (
    ENOS_CODE_EXPLANATIONS[code] ??
    'EnOS refused the request with an error flow-trigger does not know. The code and message below ' +
      'are what EnOS said; check them in the EnOS documentation or ask the EnOS administrators.'
  );
}

/** EnOS answered `{code != 0, msg}`. */
export class EnosApiError extends FlowTriggerError {
  readonly code = 'ENOS_API_ERROR';
  constructor(
    readonly enosCode: number,
    readonly enosMessage: string,
    options?: FlowTriggerErrorOptions,
  ) {
    super(`EnOS error ${enosCode}: ${enosMessage}`, explainEnosCode(enosCode), options);
  }
}

/** What an operator should check, per token-service status; other statuses get the generic text. */
const ENOS_AUTH_EXPLANATIONS: Record<number, string> = {
  1002:
    'flow-trigger could not authenticate with the EnOS API gateway: EnOS does not know its access key. ' +
    'Operators: check ENOS_ACCESS_KEY, and that ENOS_API_GATEWAY_URL is the gateway of the EnOS ' +
    'environment where the application is registered. Nothing was sent to EnOS.',
  1003:
    'flow-trigger could not authenticate with the EnOS API gateway: EnOS did not accept its key pair. ' +
    'Operators: check that ENOS_SECRET_KEY is the secret key of the application of ENOS_ACCESS_KEY. ' +
    'Nothing was sent to EnOS.',
  1005: 'The EnOS token service had an internal error, so nothing was sent to EnOS. Try again in a few minutes.',
};

/** The gateway refused our credentials or token (token service status, or a rejected signature). */
export class EnosAuthError extends FlowTriggerError {
  readonly code = 'ENOS_AUTH';
  constructor(
    message: string,
    /** Token-service status code or gateway error code, when there is one. */
    readonly status?: number,
    options?: FlowTriggerErrorOptions,
  ) {
    super(
      message,
      (status === undefined ? undefined : ENOS_AUTH_EXPLANATIONS[status]) ??
        'flow-trigger could not authenticate with the EnOS API gateway. Operators: check ENOS_ACCESS_KEY, ' +
          'ENOS_SECRET_KEY and ENOS_API_GATEWAY_URL, and that the application is enabled in EnOS.',
      options,
    );
  }
}

/**
 * Whether a failed call may nevertheless have been carried out by EnOS. For a trigger this decides
 * between "nothing was started, try again" and "check EnOS before you try again".
 */
export type Delivery = 'not-sent' | 'maybe-received';

function afterFailure(delivery: Delivery): string {
  return delivery === 'not-sent'
    ? 'The request never reached EnOS, so nothing was started.'
    : 'The request may have reached EnOS: check the flow’s runs in the EnOS console before you try again, ' +
        'so that it does not run twice.';
}

/** The gateway answered with an HTTP error status and no business error body. */
export class EnosHttpError extends FlowTriggerError {
  readonly code = 'ENOS_HTTP';
  constructor(
    readonly status: number,
    readonly delivery: Delivery,
    options?: FlowTriggerErrorOptions,
  ) {
    super(
      `EnOS gateway answered HTTP ${status}`,
      `The EnOS API gateway answered with HTTP ${status}. ${afterFailure(delivery)} If it persists, ` +
        'tell the EnOS operators.',
      options,
    );
  }
}

/** No answer within the configured time. */
export class EnosTimeoutError extends FlowTriggerError {
  readonly code = 'ENOS_TIMEOUT';
  constructor(
    readonly timeoutMs: number,
    readonly delivery: Delivery,
    options?: FlowTriggerErrorOptions,
  ) {
    super(
      `EnOS did not answer within ${timeoutMs} ms`,
      `EnOS did not answer within ${Math.round(timeoutMs / 1000)} s. ${afterFailure(delivery)}`,
      options,
    );
  }
}

/** The connection could not be made, or broke before an answer arrived. */
export class EnosConnectionError extends FlowTriggerError {
  readonly code = 'ENOS_CONNECTION';
  constructor(
    message: string,
    readonly delivery: Delivery,
    options?: FlowTriggerErrorOptions,
  ) {
    super(
      message,
      `flow-trigger could not reach the EnOS API gateway. ${afterFailure(delivery)} If EnOS is up, ` +
        'operators should check ENOS_API_GATEWAY_URL and the network.',
      options,
    );
  }
}

/** EnOS answered, but not in the documented shape. */
export class EnosMalformedResponseError extends FlowTriggerError {
  readonly code = 'ENOS_MALFORMED';
  constructor(
    message: string,
    readonly delivery: Delivery = 'maybe-received',
    options?: FlowTriggerErrorOptions,
  ) {
    super(
      message,
      `EnOS answered in a form flow-trigger does not understand. ${afterFailure(delivery)} ` +
        'Tell the flow-trigger maintainers; the details are in the app log.',
      options,
    );
  }
}

/** The store (SQLite or Redis) failed. */
export class StoreError extends FlowTriggerError {
  readonly code = 'STORE';
  constructor(message: string, options?: FlowTriggerErrorOptions) {
    super(
      message,
      'flow-trigger could not read or write its store, so nothing was triggered. Try again in a minute; ' +
        'if it persists, tell the flow-trigger operators (check STORE_URL and the database).',
      options,
    );
  }
}

/**
 * The policy file refuses a request (or it needs an approval it does not have) found only after it
 * was announced: a job resumed after a crash whose flow was read anew. Nothing was triggered.
 */
export class PolicyBlockedError extends FlowTriggerError {
  readonly code = 'POLICY_REFUSED';
  constructor(why: string) {
    super('the policy file does not let this request run', `${why} Nothing was triggered.`);
  }
}
