import { Writable } from 'node:stream';
import pino from 'pino';
import { rejectionOf, setUpEnos } from './enos-test-setup';

describe('logging', () => {
  it('logs method, action, flowId, status and duration, never the secret, token or signature', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ level: 'debug' }, stream);
    const t = await setUpEnos({ client: { logger, requestTimeoutMs: 200 } });
    try {
      await t.client.getFlow(t.alice, 3377);
      t.enos.expireTokens();
      await t.client.updateAndTrigger(t.alice, {
        flowId: 3377,
        triggerTime: 1_700_000_000_000,
        parameters: [],
      });
      t.enos.failNext('flows.get', { kind: 'drop', when: 'after-body' }, 3);
      await rejectionOf(t.client.getFlow(t.alice, 3377));

      const secrets = [
        t.enos.secretKey,
        ...t.enos.requests.flatMap((r) => [r.headers['apim-accesstoken'], r.headers['apim-signature']]),
        ...t.enos.requests.map((r) => (r.body as { encryption?: string } | undefined)?.encryption),
      ].filter((s): s is string => typeof s === 'string');
      expect(secrets.length).toBeGreaterThan(8);
      const all = lines.join('');
      for (const secret of secrets) expect(all).not.toContain(secret);

      const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(entries).toContainEqual(
        expect.objectContaining({
          component: 'enos',
          method: 'POST',
          action: 'flows?action=updateAndTrigger',
          flowId: 3377,
          status: 200,
          durationMs: expect.any(Number),
          msg: 'EnOS call',
        }),
      );
      expect(entries).toContainEqual(
        expect.objectContaining({ action: 'token/get', msg: 'EnOS access token obtained' }),
      );
      expect(entries).toContainEqual(
        expect.objectContaining({
          action: 'flows?action=get',
          err: { code: 'ENOS_CONNECTION' },
          msg: 'EnOS call failed',
        }),
      );
    } finally {
      await t.close();
    }
  });
});
