import {
  type TriggerFormInput,
  type TriggerFormResult,
  validateTriggerForm,
} from '../../src/core/validate-trigger-form';

/** 2026-11-27 09:00 UTC: 10:00 in Berlin. */
const NOW = Date.UTC(2026, 10, 27, 9, 0);
const ctx = { now: NOW, zone: 'Europe/Berlin' };

function form(overrides: Partial<TriggerFormInput> = {}): TriggerFormInput {
  return {
    flowId: '3377',
    when: 'now',
    backdateConfirmed: false,
    parameters: [
      { key: 'REPLACE', original: 'aabb', value: 'aabb' },
      { key: 'MODE', original: 'full', value: 'full' },
    ],
    extraLines: '',
    conversationId: 'C0FAKE001',
    ...overrides,
  };
}

function errorsOf(result: TriggerFormResult) {
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

function validOf(result: TriggerFormResult) {
  if (!result.ok) throw new Error(`expected a valid form, got ${JSON.stringify(result.errors)}`);
  return result.form;
}

describe('validateTriggerForm', () => {
  it('accepts an untouched form: now, no parameters sent, in the form’s zone', () => {
    const valid = validOf(validateTriggerForm(form(), ctx));
    expect(valid).toEqual({
      flowId: 3377,
      conversationId: 'C0FAKE001',
      when: { kind: 'now', zone: 'Europe/Berlin' },
      time: {
        epochMs: NOW,
        zone: 'Europe/Berlin',
        local: '2026-11-27 10:00',
        immediate: true,
        backdated: false,
      },
      parameters: [],
    });
  });

  it('sends changed parameters in the flow’s order, then the added ones', () => {
    const valid = validOf(
      validateTriggerForm(
        form({
          parameters: [
            { key: 'REPLACE', original: 'aabb', value: 'ccdd' },
            { key: 'MODE', original: 'full', value: '' },
            { key: 'DAY', original: '${cal_dt}', value: '${cal_dt}' },
          ],
          extraLines: 'NOTE = "two words"\n\n  LIMIT=10  ',
        }),
        ctx,
      ),
    );
    expect(valid.parameters).toEqual([
      { key: 'REPLACE', value: 'ccdd' },
      { key: 'MODE', value: '' },
      { key: 'NOTE', value: 'two words' },
      { key: 'LIMIT', value: '10' },
    ]);
  });

  it('lets a line change a parameter whose field is untouched', () => {
    const valid = validOf(validateTriggerForm(form({ extraLines: 'MODE=delta' }), ctx));
    expect(valid.parameters).toEqual([{ key: 'MODE', value: 'delta' }]);
  });

  it('refuses a parameter changed in its field and repeated in the lines', () => {
    const errors = errorsOf(
      validateTriggerForm(
        form({
          parameters: [{ key: 'REPLACE', original: 'aabb', value: 'ccdd' }],
          extraLines: 'REPLACE=eeff',
        }),
        ctx,
      ),
    );
    expect(errors).toEqual([
      { field: 'extra', message: expect.stringContaining('`REPLACE` is changed in its own field') },
    ]);
  });

  it('points a bad changed value at its own field', () => {
    const errors = errorsOf(
      validateTriggerForm(
        form({
          parameters: [
            { key: 'REPLACE', original: 'aabb', value: 'aabb' },
            { key: 'MODE', original: 'full', value: 'x'.repeat(2001) },
          ],
        }),
        ctx,
      ),
    );
    expect(errors).toEqual([{ field: 'parameter', index: 1, message: expect.stringContaining('too long') }]);
  });

  it('does not judge a flow value left as it is, however long', () => {
    const long = 'y'.repeat(5000);
    const valid = validOf(
      validateTriggerForm(form({ parameters: [{ key: 'BIG', original: long, value: long }] }), ctx),
    );
    expect(valid.parameters).toEqual([]);
  });

  it('refuses more parameters than the limit, counting fields and lines', () => {
    const lines = Array.from({ length: 50 }, (_, i) => `K${i}=v`).join('\n');
    const errors = errorsOf(
      validateTriggerForm(
        form({ parameters: [{ key: 'REPLACE', original: 'aabb', value: 'x' }], extraLines: lines }),
        ctx,
      ),
    );
    expect(errors).toEqual([{ field: 'extra', message: expect.stringContaining('51 are changed or added') }]);
  });

  it('resolves a date and time in the form’s zone', () => {
    const valid = validOf(validateTriggerForm(form({ when: 'at', date: '2026-11-28', time: '14:00' }), ctx));
    expect(valid.when).toEqual({
      kind: 'date',
      year: 2026,
      month: 11,
      day: 28,
      hour: 14,
      minute: 0,
      zone: 'Europe/Berlin',
    });
    expect(valid.time.epochMs).toBe(Date.UTC(2026, 10, 28, 13, 0));
  });

  it('refuses a past time unless back-dating is confirmed', () => {
    const past = form({ when: 'at', date: '2026-11-27', time: '09:00' });
    expect(errorsOf(validateTriggerForm(past, ctx))).toEqual([
      { field: 'time', message: expect.stringContaining('has already passed (it is now 10:00)') },
    ]);
    const valid = validOf(validateTriggerForm({ ...past, backdateConfirmed: true }, ctx));
    expect(valid.time).toMatchObject({ epochMs: Date.UTC(2026, 10, 27, 8, 0), backdated: true });
  });

  it('takes a time reached less than a minute ago as now, without asking', () => {
    const valid = validOf(
      validateTriggerForm(form({ when: 'at', date: '2026-11-27', time: '10:00' }), {
        ...ctx,
        now: NOW + 30_000,
      }),
    );
    expect(valid.time).toMatchObject({ immediate: true, backdated: false, epochMs: NOW + 30_000 });
  });

  it('refuses a local time that does not exist (spring forward), on the time field', () => {
    const errors = errorsOf(
      validateTriggerForm(form({ when: 'at', date: '2027-03-28', time: '02:30' }), ctx),
    );
    expect(errors).toEqual([
      { field: 'time', message: expect.stringContaining('does not exist in Europe/Berlin') },
    ]);
  });

  it('resolves the same wall-clock time differently in another zone', () => {
    const valid = validOf(
      validateTriggerForm(form({ when: 'at', date: '2026-11-28', time: '14:00' }), {
        ...ctx,
        zone: 'America/New_York',
      }),
    );
    expect(valid.time.epochMs).toBe(Date.UTC(2026, 10, 28, 19, 0));
  });

  it('asks for the missing pieces, all at once', () => {
    const errors = errorsOf(
      validateTriggerForm(
        form({
          flowId: undefined,
          when: 'at',
          date: undefined,
          time: undefined,
          conversationId: undefined,
          extraLines: 'oops',
        }),
        ctx,
      ),
    );
    expect(errors.map((e) => e.field)).toEqual(['flow', 'date', 'time', 'extra', 'conversation']);
  });

  it('refuses a flow id that did not come from the list', () => {
    expect(errorsOf(validateTriggerForm(form({ flowId: '33x' }), ctx))).toEqual([
      { field: 'flow', message: expect.stringContaining('is not a flow id') },
    ]);
    expect(errorsOf(validateTriggerForm(form({ flowId: '0' }), ctx))[0]!.field).toBe('flow');
  });

  it('refuses a form with no choice of when', () => {
    expect(errorsOf(validateTriggerForm(form({ when: undefined }), ctx))).toEqual([
      { field: 'when', message: 'Choose when the flow should run.' },
    ]);
  });
});
