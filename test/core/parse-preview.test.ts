// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${cal_dt}` and friends are EnOS system variables that must pass through verbatim
import fc from 'fast-check';
import { parseCommand } from '../../src/core/parse-command';
import { parsePreview } from '../../src/core/parse-preview';

describe('parsePreview', () => {
  it('reads what a trigger reads', () => {
    expect(parsePreview('3377 at 14:00 Europe/Berlin REPLACE=ddee DAY=${cal_dt}')).toEqual({
      ok: true,
      preview: {
        flowId: 3377,
        when: { kind: 'today', hour: 14, minute: 0, zone: 'Europe/Berlin' },
        parameters: [
          { key: 'REPLACE', value: 'ddee' },
          { key: 'DAY', value: '${cal_dt}' },
        ],
      },
    });
    expect(parsePreview('3377')).toEqual({
      ok: true,
      preview: { flowId: 3377, when: { kind: 'now' }, parameters: [] },
    });
  });

  it('refuses what a trigger refuses, with the same words', () => {
    for (const text of ['3377 at 25:00', '3377 K=1 K=2', '3377 14:00', '0', '3377 K="a b']) {
      const preview = parsePreview(text);
      const trigger = parseCommand(text);
      expect(preview.ok).toBe(false);
      expect(preview).toEqual(trigger);
    }
  });

  it.each([
    [
      '',
      '`preview` needs what to preview: a flow id, then the time and parameters, like `/flow-trigger preview 3377 at 14:00 REPLACE=ddee`.',
      undefined,
    ],
    [
      'help',
      '`help` is not a flow id. A preview takes what a trigger takes, starting with the flow id, like `/flow-trigger preview 3377 at 14:00 REPLACE=ddee`.',
      'help',
    ],
    [
      'status 3377-1',
      '`status` is not a flow id. A preview takes what a trigger takes, starting with the flow id, like `/flow-trigger preview 3377 at 14:00 REPLACE=ddee`.',
      'status',
    ],
    [
      'at 14:00 3377',
      '`at` is not a flow id. A preview takes what a trigger takes, starting with the flow id, like `/flow-trigger preview 3377 at 14:00 REPLACE=ddee`.',
      'at',
    ],
  ])('refuses %j as a preview, not as another command', (text, message, token) => {
    expect(parsePreview(text)).toEqual({
      ok: false,
      error: token === undefined ? { message } : { message, token },
    });
  });

  it('agrees with the trigger parser on any text that starts with a flow id', () => {
    const tail = fc.array(
      fc.constantFrom(
        'at',
        '14:00',
        'tomorrow',
        'UTC',
        'in',
        '1h',
        'K=v',
        'K="a b"',
        'x',
        '=',
        '"',
        'on',
        '2026-11-30',
      ),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), tail, (flowId, words) => {
        const text = [String(flowId), ...words].join(' ');
        const trigger = parseCommand(text);
        const preview = parsePreview(text);
        if (!trigger.ok) return expect(preview).toEqual(trigger);
        if (trigger.command.kind !== 'trigger') throw new Error('a flow id starts a trigger');
        const { flowId: id, when, parameters } = trigger.command;
        expect(preview).toEqual({ ok: true, preview: { flowId: id, when, parameters } });
      }),
    );
  });

  it('is wired into the command parser: `preview <text>` reads <text> as a trigger', () => {
    const tail = fc.array(
      fc.constantFrom('at', '14:00', 'tomorrow', 'UTC', 'in', '1h', 'K=v', 'K="a b"', 'x', '"'),
      {
        maxLength: 6,
      },
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        tail,
        fc.constantFrom('preview', 'PREVIEW', 'Preview'),
        (flowId, words, word) => {
          const text = [String(flowId), ...words].join(' ');
          const trigger = parseCommand(text);
          const command = parseCommand(`${word} ${text}`);
          if (!trigger.ok) return expect(command).toEqual(trigger);
          if (trigger.command.kind !== 'trigger') throw new Error('a flow id starts a trigger');
          const { flowId: id, when, parameters } = trigger.command;
          expect(command).toEqual({ ok: true, command: { kind: 'preview', flowId: id, when, parameters } });
        },
      ),
    );
    expect(parseCommand('preview')).toEqual(parsePreview(''));
    expect(parseCommand('preview help')).toEqual(parsePreview('help'));
  });
});
