import { MODAL_BLOCK } from '../../src/slack/ids';
import {
  type ParameterInput,
  slackBackfillErrors,
  slackFormErrors,
} from '../../src/slack/listeners/views/read-trigger-form';

/**
 * The form's inline errors by block: Slack refuses a whole `errors` answer that names a block the
 * view lacks, so a field whose block is missing is told on the "When" block instead.
 */
describe('the form’s inline errors by block', () => {
  const input: ParameterInput = {
    blockId: 'param:3377:0:abcdef0123',
    flowId: 3377,
    index: 0,
    digest: 'abcdef0123',
    value: 'x',
  };
  const shown = (...blocks: string[]) => Object.fromEntries(blocks.map((b) => [b, {}]));

  it('puts each error on its field’s block, one per block, parameters on their input, quotes for code', () => {
    expect(
      slackFormErrors(
        [
          { field: 'date', message: 'Pick a date.' },
          { field: 'date', message: 'A second one is not shown.' },
          { field: 'parameter', index: 0, message: 'No `=` in it.' },
          { field: 'conversation', message: 'Choose where to post.' },
        ],
        shown(MODAL_BLOCK.date, MODAL_BLOCK.when, MODAL_BLOCK.postIn),
        [input],
      ),
    ).toEqual({
      [MODAL_BLOCK.date]: 'Pick a date.',
      [input.blockId]: 'No “=” in it.',
      [MODAL_BLOCK.postIn]: 'Choose where to post.',
    });
  });

  it('tells a trigger’s date or time on "When" when the pickers are not shown; other fields keep their block', () => {
    expect(
      slackFormErrors(
        [
          { field: 'time', message: 'Pick a time.' },
          { field: 'conversation', message: 'Choose where to post.' },
        ],
        shown(MODAL_BLOCK.when, MODAL_BLOCK.postIn),
        [],
      ),
    ).toEqual({
      [MODAL_BLOCK.when]:
        'Pick a date and a time: choose “Now”, then “At a date and time” again to show the pickers.',
      [MODAL_BLOCK.postIn]: 'Choose where to post.',
    });
  });

  it('tells a backfill’s range on "When" when its fields are not shown, and on the field when they are', () => {
    const fallback =
      'Fill in the range: choose “Now”, then “Backfill a date range” again to show its fields.';
    expect(
      slackBackfillErrors([{ field: 'from', message: 'Pick the first date.' }], shown(MODAL_BLOCK.when), []),
    ).toEqual({ [MODAL_BLOCK.when]: fallback });
    expect(
      slackBackfillErrors(
        [{ field: 'from', message: 'Pick the first date.' }],
        shown(MODAL_BLOCK.when, MODAL_BLOCK.backfillFrom),
        [],
      ),
    ).toEqual({ [MODAL_BLOCK.backfillFrom]: 'Pick the first date.' });
  });
});
