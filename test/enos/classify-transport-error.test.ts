import { errors } from 'undici';
import { EnosConnectionError, EnosTimeoutError } from '../../src/core/errors';
import { classifyTransportError } from '../../src/enos/classify-transport-error';

const context = {
  connectTimeoutMs: 5000,
  requestTimeoutMs: 15000,
  deadlineExceeded: false,
  deadlineMs: 20000,
};
const sysError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

describe('classifyTransportError', () => {
  it('a connect timeout is a timeout, not sent', () => {
    const cause = new errors.ConnectTimeoutError();
    const error = classifyTransportError(cause, context);
    expect(error).toBeInstanceOf(EnosTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 5000, delivery: 'not-sent', cause });
  });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'CERT_HAS_EXPIRED'])(
    '%s happens before the request is written: not sent',
    (code) => {
      const cause = sysError(code);
      const error = classifyTransportError(cause, context);
      expect(error).toBeInstanceOf(EnosConnectionError);
      expect(error).toMatchObject({ delivery: 'not-sent', cause });
      expect(error.message).toContain(code);
    },
  );

  it('a happy-eyeballs AggregateError of refused connections is not sent', () => {
    const cause = Object.assign(new AggregateError([sysError('ECONNREFUSED'), sysError('ECONNREFUSED')]), {
      code: 'ECONNREFUSED',
    });
    expect(classifyTransportError(cause, context)).toMatchObject({ delivery: 'not-sent' });
  });

  it.each([
    ['ECONNRESET', sysError('ECONNRESET')],
    ['EPIPE', sysError('EPIPE')],
    ['UND_ERR_SOCKET', new errors.SocketError('other side closed')],
    ['an error without a code', new Error('weird')],
  ])('%s may have delivered the request', (_name, cause) => {
    const error = classifyTransportError(cause, context);
    expect(error).toBeInstanceOf(EnosConnectionError);
    expect(error).toMatchObject({ delivery: 'maybe-received', cause });
  });

  it('headers and body timeouts may have delivered the request', () => {
    for (const cause of [new errors.HeadersTimeoutError(), new errors.BodyTimeoutError()]) {
      const error = classifyTransportError(cause, context);
      expect(error).toBeInstanceOf(EnosTimeoutError);
      expect(error).toMatchObject({ timeoutMs: 15000, delivery: 'maybe-received', cause });
    }
  });

  it('our own deadline may have delivered the request', () => {
    const cause = new errors.RequestAbortedError();
    const error = classifyTransportError(cause, { ...context, deadlineExceeded: true });
    expect(error).toBeInstanceOf(EnosTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 20000, delivery: 'maybe-received' });
  });
});
