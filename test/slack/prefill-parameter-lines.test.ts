import { parseParameterLines } from '../../src/core/parse-parameter-lines';
import { MODAL_BLOCK } from '../../src/slack/ids';
import { parameterLine, prefillParameterLines } from '../../src/slack/ui/prefill-parameter-lines';
import { triggerModal } from '../../src/slack/ui/trigger-modal';

describe('parameterLine', () => {
  it('writes lines that the form’s “More parameters” field reads back verbatim', () => {
    const values = [
      'ddee',
      '${cal_dt}',
      'a b',
      ' padded ',
      '"quoted"',
      '“typographic”',
      "'single'",
      'it\'s "mixed"',
      '',
      'x=y',
      '<!channel> & more',
    ];
    for (const value of values) {
      const parsed = parseParameterLines(parameterLine({ key: 'K', value }));
      expect(parsed).toEqual({ ok: true, parameters: [{ key: 'K', value }] });
    }
  });
});

describe('prefillParameterLines', () => {
  const form = triggerModal({ zone: 'UTC', now: Date.UTC(2026, 10, 27, 9), when: 'now', channelId: 'C1' });
  const extraOf = (view: typeof form) =>
    view.blocks.find((b) => b.block_id === MODAL_BLOCK.extra) as { element: { initial_value?: string } };

  it('fills “More parameters”, one line each, and changes nothing else', () => {
    const filled = prefillParameterLines(form, [
      { key: 'REPLACE', value: 'ddee' },
      { key: 'NOTE', value: ' two words ' },
    ]);
    expect(extraOf(filled).element.initial_value).toBe('REPLACE=ddee\nNOTE=" two words "');
    expect(filled.blocks.length).toBe(form.blocks.length);
    expect(prefillParameterLines(form, [])).toBe(form);
  });

  it('leaves out what does not fit in Slack’s 3,000 characters, and says which', () => {
    const long = Array.from({ length: 5 }, (_, i) => ({ key: `P${i}`, value: 'v'.repeat(900) }));
    const filled = prefillParameterLines(form, long);
    expect(extraOf(filled).element.initial_value?.split('\n')).toHaveLength(3);
    expect(JSON.stringify(filled.blocks)).toContain('did not fit here and are not prefilled: `P3`, `P4`');
  });
});
