import type { BackfillRefusalReason } from '../../src/core/plan-backfill';
import {
  type BackfillFormInput,
  backfillRefusalField,
  validateBackfillForm,
} from '../../src/core/validate-backfill-form';

function form(overrides: Partial<BackfillFormInput> = {}): BackfillFormInput {
  return {
    flowId: '3377',
    from: '2026-11-20',
    to: '2026-11-22',
    order: 'oldest-first',
    onFailure: 'stop',
    parameters: [
      { key: 'REPLACE', original: 'aabb', value: 'ddee' },
      { key: 'MODE', original: 'full', value: 'full' },
    ],
    extraLines: 'NEW=1',
    conversationId: 'C0FAKE001',
    ...overrides,
  };
}

describe('validateBackfillForm', () => {
  it('gives the request `/flow-trigger backfill` would parse, in the form’s zone, with the changed parameters', () => {
    expect(
      validateBackfillForm(
        form({ at: '09:30', order: 'newest-first', onFailure: 'keep-going' }),
        'Europe/Berlin',
      ),
    ).toEqual({
      ok: true,
      conversationId: 'C0FAKE001',
      request: {
        flowId: 3377,
        range: {
          kind: 'dates',
          from: { year: 2026, month: 11, day: 20 },
          to: { year: 2026, month: 11, day: 22 },
        },
        at: { hour: 9, minute: 30 },
        zone: 'Europe/Berlin',
        order: 'newest-first',
        onFailure: 'keep-going',
        parameters: [
          { key: 'REPLACE', value: 'ddee' },
          { key: 'NEW', value: '1' },
        ],
      },
    });
  });

  it('leaves the time of day out when it is empty: the flow’s own daily time', () => {
    const result = validateBackfillForm(form(), 'UTC');
    expect(result.ok && result.request.at).toBeUndefined();
  });

  it('reports every wrong field at once', () => {
    const result = validateBackfillForm(
      form({
        flowId: undefined,
        from: undefined,
        to: 'x',
        at: '9h',
        extraLines: 'REPLACE=z',
        conversationId: ' ',
      }),
      'UTC',
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors).toEqual([
      { field: 'flow', message: 'Choose a flow: type part of its name or its id.' },
      { field: 'from', message: 'Pick the first business date.' },
      { field: 'to', message: '`x` is not a date.' },
      { field: 'at', message: '`9h` is not a time.' },
      {
        field: 'extra',
        message:
          'The parameter `REPLACE` is changed in its own field above and given here too: give each parameter once.',
      },
      { field: 'conversation', message: 'Choose the conversation to post the backfill and its progress in.' },
    ]);
  });

  it('points a bad parameter value at its field', () => {
    const result = validateBackfillForm(
      form({ parameters: [{ key: 'REPLACE', original: 'a', value: 'x'.repeat(2001) }] }),
      'UTC',
    );
    expect(!result.ok && result.errors.map((e) => e.field)).toEqual(['parameter']);
  });
});

describe('backfillRefusalField', () => {
  it.each<[BackfillRefusalReason, string | undefined]>([
    ['from-after-to', 'from'],
    ['too-far-back', 'from'],
    ['invalid-range', 'from'],
    ['too-many-runs', 'to'],
    ['not-past', 'to'],
    ['invalid-time', 'at'],
    ['time-does-not-exist', 'at'],
    ['other-server-date', 'at'],
    ['invalid-zone', undefined],
    ['invalid-server-zone', undefined],
    ['invalid-settings', undefined],
  ])('%s → %s', (reason, field) => {
    expect(backfillRefusalField(reason)).toBe(field);
  });
});
