import { Writable } from 'node:stream';
import { createLogger, registerSecret, scrubSecrets } from '../src/logger';

function capture(secrets: string[] = [], format: 'json' | 'pretty' = 'json') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ level: 'debug', format, secrets, destination });
  return { logger, lines };
}

describe('createLogger', () => {
  it('writes JSON lines with the level and message', () => {
    const { logger, lines } = capture();
    logger.info({ flowId: 3377 }, 'triggered');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 30,
      app: 'flow-trigger',
      flowId: 3377,
      msg: 'triggered',
    });
  });

  it('redacts secrets by field name, including the apim-* headers', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        token: 't1',
        secretKey: 's1',
        signingSecret: 's2',
        headers: {
          'apim-accesstoken': 'tok',
          'apim-signature': 'sig',
          'x-slack-signature': 'v0=abc',
          other: 'kept',
        },
        request: { headers: { authorization: 'Bearer xyz', 'apim-accesstoken': 'tok2' } },
      },
      'call',
    );
    const line = JSON.parse(lines[0]!);
    expect(line.token).toBe('[Redacted]');
    expect(line.secretKey).toBe('[Redacted]');
    expect(line.signingSecret).toBe('[Redacted]');
    expect(line.headers).toEqual({
      'apim-accesstoken': '[Redacted]',
      'apim-signature': '[Redacted]',
      'x-slack-signature': '[Redacted]',
      other: 'kept',
    });
    expect(line.request.headers).toEqual({ authorization: '[Redacted]', 'apim-accesstoken': '[Redacted]' });
  });

  it('scrubs known secret values and Slack tokens wherever they appear, errors included', () => {
    const { logger, lines } = capture(['enos-secret-value']);
    logger.error(
      {
        err: new Error('failed with enos-secret-value', { cause: new Error('token xoxb-1-2-abcdef') }),
        url: 'x?k=enos-secret-value',
      },
      'boom xapp-1-A2-xyz',
    );
    const text = lines.join('\n');
    expect(text).not.toContain('enos-secret-value');
    expect(text).not.toContain('xoxb-1-2-abcdef');
    expect(text).not.toContain('xapp-1-A2-xyz');
    expect(text).toContain('[Redacted]');
  });

  it('writes readable lines in pretty mode, still scrubbed', () => {
    const { logger, lines } = capture(['enos-secret-value'], 'pretty');
    logger.info({ flowId: 3377 }, 'hello enos-secret-value');
    const text = lines.join('');
    expect(text).toMatch(/INFO.*hello \[Redacted\]/);
    expect(text).toContain('flowId: 3377');
    expect(text).not.toContain('enos-secret-value');
    expect(() => JSON.parse(lines[0]!)).toThrow();
  });
});

describe('runtime secrets', () => {
  it('scrubs a secret registered on a child logger from every line of the whole tree', () => {
    const { logger, lines } = capture();
    const child = logger.child({ component: 'enos' });
    registerSecret(child, 'token-value-123', 'lasting');
    registerSecret(child, 'a'.repeat(64), 'per-request');
    logger.info({ body: '{"apim-accesstoken":"token-value-123"}' }, `signature ${'a'.repeat(64)}`);
    child.warn({ err: new Error('echo token-value-123') }, 'failed');
    expect(lines.join('')).not.toContain('token-value-123');
    expect(lines.join('')).not.toContain('a'.repeat(64));
  });

  it('keeps only the last 512 request signatures, and every lasting secret', () => {
    const { logger, lines } = capture();
    registerSecret(logger, 'the-access-token', 'lasting');
    for (let i = 0; i < 513; i++)
      registerSecret(logger, `signature-${String(i).padStart(4, '0')}`, 'per-request');
    logger.info('signature-0000 signature-0001 signature-0512 the-access-token');
    expect(JSON.parse(lines[0]!).msg).toBe('signature-0000 [Redacted] [Redacted] [Redacted]');
  });

  it('scrubSecrets takes secrets out of text that is shown, not only logged', () => {
    expect(scrubSecrets('a tok-123456 b sig-abcdef', ['tok-123456', undefined, 'sig-abcdef', 'x'])).toBe(
      'a [Redacted] b [Redacted]',
    );
  });
});
