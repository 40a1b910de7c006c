import type { BackfillRequest } from '../core/parse-backfill';
import { backfillPreviewAnswer } from '../slack/listeners/commands/answer-backfill-preview';
import { previewAnswer } from '../slack/listeners/commands/answer-preview';
import type { SlackMessage } from '../slack/ui/slack-message';
import type { ConsolePreviewAsk } from './compose-console';
import { plainLinesOf } from './plain-lines-of';
import type { ConsoleSession } from './run-console';

/** The answers that say yes to a question the console asks after a preview. */
const YES = /^(y|yes)$/i;

/**
 * Slack's preview messages end with a note about their button (Trigger, or that starting is not
 * built in Slack); the console asks its own question instead, so that note is left out.
 */
function withoutClosingNote(message: SlackMessage): SlackMessage {
  const last = message.blocks.at(-1);
  return last?.type === 'context' ? { ...message, blocks: message.blocks.slice(0, -1) } : message;
}

/**
 * `preview …`: the core's preview use case, in Slack's words as plain lines; when the checks pass,
 * `trigger? [y/N]`, and `y` (or `trigger`) on the next line sends exactly the previewed request
 * through the console's trigger path, which checks everything again. An explicit time is pinned to
 * the instant shown; `now` and `in …` are resolved again, as the Slack button does.
 */
export async function answerPreview(ask: ConsolePreviewAsk, c: ConsoleSession): Promise<void> {
  const outcome = await c.services.preview(ask);
  const message = previewAnswer(outcome, {
    flowId: ask.flowId,
    previewId: '',
    ...c.services.wording,
  });
  if (outcome.kind !== 'preview') return c.out.print(plainLinesOf(message), 'bad');
  // Slack's words name its button; here the question below resolves `now` again.
  const lines = plainLinesOf(withoutClosingNote(message)).map((l) =>
    l.replace('when you click Trigger', 'when you answer y'),
  );
  if (!outcome.preview.check.ok) return c.out.print(lines, 'bad');
  c.out.print([...lines, `EnOS user ${outcome.identity.userName}.`]);
  const command = { flowId: outcome.preview.flowId, when: outcome.when, parameters: ask.parameters };
  c.pending = {
    question: 'trigger? [y/N] ',
    words: ['trigger'],
    no: 'Not triggered.',
    onYes: async () => {
      await c.services.trigger(command);
    },
  };
}

/**
 * `backfill …`: the core's backfill preview use case (parse, plan, policy, checks), one line per
 * run in Slack's words; when the checks pass, `start? [y/N]`. Starting belongs to the backfill
 * engine, handed in as an optional port: without it, the console says so.
 */
export async function answerBackfill(request: BackfillRequest, c: ConsoleSession): Promise<void> {
  const outcome = await c.services.previewBackfill(request);
  const message = backfillPreviewAnswer(outcome, { flowId: request.flowId, ...c.services.wording });
  if (outcome.kind !== 'preview') return c.out.print(plainLinesOf(message), 'bad');
  const lines = plainLinesOf(withoutClosingNote(message));
  if (outcome.refusal !== undefined) return c.out.print(lines, 'bad');
  c.out.print(lines);
  c.pending = {
    question: 'start? [y/N] ',
    words: ['start'],
    no: 'Not started.',
    onYes: async () => {
      const start = c.services.startBackfill;
      if (!start) {
        c.out.print(
          [
            'Starting a backfill from the console is not available in this build: nothing was triggered. ' +
              'To re-run one business date, trigger the flow back-dated to its trigger time above (type help).',
          ],
          'bad',
        );
        return;
      }
      const started = await start({
        identity: outcome.identity,
        flow: outcome.flow,
        runs: outcome.plan.runs,
        parameters: request.parameters,
        order: outcome.order,
        onFailure: outcome.onFailure,
      });
      if ('refused' in started) return c.out.print(started.refused, 'bad');
      c.out.print(
        [`Backfill ${started.backfillId} started: ${outcome.plan.runs.length} run(s), one at a time.`],
        'ok',
      );
      // Its progress (the tally and the run in progress), a stop at a failure and its end are
      // printed by the engine's console reporter (console-backfill-reporter.ts) as they happen.
    },
  };
}

/** Whether a line typed after a question says yes: y, yes, or the question's own word. */
export function saysYes(line: string, words: readonly string[]): boolean {
  const text = line.trim();
  return YES.test(text) || words.some((w) => w.toLowerCase() === text.toLowerCase());
}
