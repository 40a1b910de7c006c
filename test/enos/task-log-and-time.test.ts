/**
 * Get Task Instance Log, Get Time Zone and Get Current Time through the real client against the
 * fake gateway (which checks every signature), and the start-up uses of the last two: the
 * server's zone (variable, EnOS, fallback) and the clock-skew warning.
 */
import { EnosApiError } from '../../src/core/errors';
import { resolveServerZone } from '../../src/enos/resolve-server-zone';
import { watchServerClock } from '../../src/enos/watch-server-clock';
import { captureLogger } from '../store/capture-logger';
import { type EnosTestSetup, manualClock, rejectionOf, setUpEnos } from './enos-test-setup';

let s: EnosTestSetup;
afterEach(async () => {
  await s?.close();
});

describe('getTaskLog', () => {
  it('asks for one task’s log as the caller, signed, with maxLength, and gets the log’s end', async () => {
    const clock = manualClock();
    s = await setUpEnos({ fake: { clock }, client: { clock } });
    s.enos.setTaskLog('t1-1', 'start\nrow 1\nERROR boom');
    expect(await s.client.getTaskLog(s.alice, 't1-1', 1_048_576)).toEqual({
      kind: 'log',
      text: 'start\nrow 1\nERROR boom',
    });
    // The fake keeps the last maxLength characters (which end EnOS keeps is not documented).
    expect(await s.client.getTaskLog(s.alice, 't1-1', 10)).toEqual({ kind: 'log', text: 'ERROR boom' });
    const requests = s.enos.requestsOf('taskInstances.getLog');
    expect(requests.map((r) => [r.method, r.path, r.query, r.signatureValid])).toEqual([
      [
        'GET',
        '/batch-processing-service/v2.1/taskInstances',
        { action: 'getLog', taskInstId: 't1-1', maxLength: '1048576', userId: 'u1', orgId: 'o1' },
        true,
      ],
      [
        'GET',
        '/batch-processing-service/v2.1/taskInstances',
        { action: 'getLog', taskInstId: 't1-1', maxLength: '10', userId: 'u1', orgId: 'o1' },
        true,
      ],
    ]);
    expect(s.enos.unhandled).toEqual([]);
  });

  it('answers 62109 "No log found" as no log, not as an error', async () => {
    s = await setUpEnos();
    s.enos.setTaskLog('t1-1', null);
    expect(await s.client.getTaskLog(s.alice, 't1-1')).toEqual({ kind: 'no-log', message: 'No log found' });
    expect(s.enos.requestsOf('taskInstances.getLog')[0]?.query).toEqual({
      action: 'getLog',
      taskInstId: 't1-1',
      userId: 'u1',
      orgId: 'o1',
    });
  });

  it('throws for an unknown task (62102) and for a 62109 that is EnOS’s internal error', async () => {
    s = await setUpEnos();
    const unknown = await rejectionOf(s.client.getTaskLog(s.alice, 'nope', 100));
    expect(unknown).toBeInstanceOf(EnosApiError);
    expect((unknown as EnosApiError).enosCode).toBe(62102);
    s.enos.setTaskLog('t1-1', 'x');
    s.enos.failNext('taskInstances.getLog', { kind: 'enos-error', code: 62109, msg: 'Internal error' });
    const internal = await rejectionOf(s.client.getTaskLog(s.alice, 't1-1', 100));
    expect(internal).toBeInstanceOf(EnosApiError);
    expect((internal as EnosApiError).enosCode).toBe(62109);
  });
});

describe('getTimeZone and getCurrentTime', () => {
  it('are asked without userId or orgId, signed, and answer the zone and the server clock', async () => {
    const clock = manualClock(Date.UTC(2026, 10, 27, 9, 0, 0));
    s = await setUpEnos({ fake: { clock }, client: { clock } });
    s.enos.setTimeZone('GMT+8');
    expect(await s.client.getTimeZone()).toBe('GMT+8');
    s.enos.setTimeZone('GMT-3');
    expect(await s.client.getTimeZone()).toBe('GMT-3');
    s.enos.setClockOffset(-45_000);
    expect(await s.client.getCurrentTime()).toBe(Date.UTC(2026, 10, 27, 8, 59, 15));
    expect(
      s.enos.requests
        .filter((r) => r.action?.startsWith('time.'))
        .map((r) => [r.method, r.path, r.query, r.signatureValid]),
    ).toEqual([
      ['GET', '/batch-processing-service/v2.1/time', { action: 'getTimeZone' }, true],
      ['GET', '/batch-processing-service/v2.1/time', { action: 'getTimeZone' }, true],
      ['GET', '/batch-processing-service/v2.1/time', { action: 'getCurrentTime' }, true],
    ]);
  });
});

describe('resolveServerZone', () => {
  it('takes ENOS_SERVER_TIMEZONE when set, without asking EnOS', async () => {
    s = await setUpEnos();
    const log = captureLogger();
    expect(
      await resolveServerZone({ configured: 'Asia/Shanghai', enos: s.client, logger: log.logger }),
    ).toEqual({
      zone: 'Asia/Shanghai',
      source: 'ENOS_SERVER_TIMEZONE',
    });
    expect(s.enos.requestsOf('time.getTimeZone')).toEqual([]);
  });

  it('asks EnOS when it is unset: GMT+8 is UTC+08:00, Etc/GMT-8', async () => {
    s = await setUpEnos();
    s.enos.setTimeZone('GMT+8');
    const log = captureLogger();
    expect(await resolveServerZone({ enos: s.client, logger: log.logger })).toEqual({
      zone: 'Etc/GMT-8',
      source: 'EnOS',
    });
    expect(s.enos.requestsOf('time.getTimeZone')).toHaveLength(1);
  });

  it('falls back to UTC with a warning when EnOS fails or names a zone it cannot read', async () => {
    s = await setUpEnos({ client: { retryBackoffMs: [] } });
    const log = captureLogger();
    s.enos.failNext('time.getTimeZone', { kind: 'http', status: 503 });
    expect(await resolveServerZone({ enos: s.client, logger: log.logger })).toEqual({
      zone: 'UTC',
      source: 'fallback',
    });
    s.enos.setTimeZone('Mars/Olympus');
    expect(await resolveServerZone({ enos: s.client, logger: log.logger })).toEqual({
      zone: 'UTC',
      source: 'fallback',
    });
    expect(log.entries().map((e) => [e.level, e.msg])).toEqual([
      [
        40,
        'could not ask EnOS for its time zone: reading EnOS times as UTC; set ENOS_SERVER_TIMEZONE to the EnOS server’s zone',
      ],
      [
        40,
        'EnOS named a time zone flow-trigger cannot read: reading EnOS times as UTC; set ENOS_SERVER_TIMEZONE',
      ],
    ]);
  });
});

describe('watchServerClock', () => {
  it('warns when the EnOS clock is more than 30 s off, and not within 30 s', async () => {
    const clock = manualClock(Date.UTC(2026, 10, 27, 9, 0, 0));
    s = await setUpEnos({ fake: { clock }, client: { clock } });
    const log = captureLogger();
    s.enos.setClockOffset(29_000);
    const watch = watchServerClock({ enos: s.client, logger: log.logger, clock });
    try {
      expect(await watch.first).toBe(29_000);
      expect(log.entries().filter((e) => e.level >= 40)).toEqual([]);
      s.enos.setClockOffset(-95_000);
      expect(await watch.check()).toBe(-95_000);
      expect(log.entries().filter((e) => e.level >= 40)).toEqual([
        expect.objectContaining({
          level: 40,
          skewSeconds: -95,
          msg: expect.stringMatching(/^the EnOS server’s clock is 95 s behind ours/),
        }),
      ]);
    } finally {
      watch.stop();
    }
  });

  it('logs a warning, not a crash, when EnOS cannot say', async () => {
    s = await setUpEnos({ client: { retryBackoffMs: [] } });
    const log = captureLogger();
    s.enos.failNext('time.getCurrentTime', { kind: 'enos-error', code: 99500 });
    const watch = watchServerClock({ enos: s.client, logger: log.logger });
    watch.stop();
    expect(await watch.first).toBeUndefined();
    expect(log.entries().map((e) => e.msg)).toEqual([
      'could not read the EnOS server’s clock to compare it with ours',
    ]);
  });
});
