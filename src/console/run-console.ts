import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { parseCommand } from '../core/parse-command';
import { historyMessage } from '../slack/ui/history-message';
import { usageErrorMessage } from '../slack/ui/trigger-messages';
import type { ConsoleServices } from './compose-console';
import type { ConsoleOutput } from './console-output';
import { answerBackfill, answerPreview, saysYes } from './console-previews';
import { plainLinesOf } from './plain-lines-of';

/** A yes/no question the console asked (after a preview): the next line answers it. */
export interface PendingQuestion {
  /** `trigger? [y/N] `: the prompt in a terminal, a line otherwise. */
  question: string;
  /** Words that say yes besides y and yes (`trigger`, `start`). */
  words: readonly string[];
  /** What any other answer is told. */
  no: string;
  onYes(): Promise<void>;
}

/** What the prompt works with. */
export interface ConsoleSession {
  services: ConsoleServices;
  out: ConsoleOutput;
  logger: Logger;
  /** Tells the output how to draw the prompt again after printing. */
  setRedrawPrompt(redraw: () => void): void;
  /** The question the next line answers, if one was asked. */
  pending?: PendingQuestion | undefined;
}

const PROMPT = 'flow-trigger> ';

/** How many attempts `history` lists, as in Slack. */
const HISTORY_LENGTH = 10;

/** What the console answers to `help`: the slash command's grammar, without the slash command. */
export const CONSOLE_HELP = [
  'Type what you would type after /flow-trigger in Slack:',
  '  3377 now                          trigger flow 3377 now',
  '  3377 at 14:00 REPLACE=ddee        at a time (your zone), with parameters',
  '  status 3377-20260101140000        a run as EnOS reports it now',
  '  preview 3377 at 14:00 KEY=value   every check and the exact request, then trigger? [y/N]',
  '  backfill 3377 2026-11-01 to 2026-11-03   one back-dated run per business date, then start? [y/N]',
  '  history [flowId]                  your last trigger attempts',
  '  help                              this text',
  '  exit                              quit (or Ctrl-D)',
];

/** Answers one line typed at the prompt. Never throws: a failure is said in words. */
export async function answerLine(line: string, c: ConsoleSession): Promise<void> {
  const text = line.trim();
  const question = c.pending;
  if (question) {
    // The line answers the question: yes runs it, anything else does not (and, unless it was
    // just no or Enter, is then read as a command of its own).
    c.pending = undefined;
    if (saysYes(text, question.words)) return attempt(c, question.onYes);
    c.out.print([question.no], 'dim');
    if (text === '' || /^(n|no)$/i.test(text)) return;
  }
  if (text === '') return;
  const [verb = ''] = text.split(/\s+/);
  if (verb.toLowerCase() === 'help') return c.out.print(CONSOLE_HELP);
  const parsed = parseCommand(text);
  if (!parsed.ok) return c.out.print(plainLinesOf(usageErrorMessage(parsed.error.message)), 'bad');
  const cmd = parsed.command;
  return attempt(c, async () => {
    switch (cmd.kind) {
      case 'trigger':
        await c.services.trigger({ flowId: cmd.flowId, when: cmd.when, parameters: cmd.parameters });
        return;
      case 'status':
        return c.out.print(plainLinesOf(await c.services.status(cmd.instanceId)));
      case 'history': {
        const records = await c.services.history(cmd.flowId, HISTORY_LENGTH);
        return c.out.print(
          plainLinesOf(historyMessage(records, { flowId: cmd.flowId, limit: HISTORY_LENGTH })),
        );
      }
      case 'preview':
        return answerPreview({ flowId: cmd.flowId, when: cmd.when, parameters: cmd.parameters }, c);
      case 'backfill':
        return answerBackfill(cmd.backfill, c);
      default:
        return c.out.print(
          [`“${verb}” is for Slack (links and the form); in the console type help for what works here.`],
          'bad',
        );
    }
  });
}

/** Runs one answer; a failure is said in words and logged, never thrown. */
async function attempt(c: ConsoleSession, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    c.logger.error({ err: error }, 'console command failed');
    c.out.print(
      [
        `Something went wrong: ${error instanceof Error ? error.message : String(error)}. Try again, or type help.`,
      ],
      'bad',
    );
  }
}

/**
 * The prompt: reads lines from `input` and answers them one at a time, in order. Resolves when the
 * user types `exit` or closes the input (Ctrl-D, or the end of a pipe) and the last answer is out.
 */
export function runConsole(
  c: ConsoleSession,
  io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; tty: boolean },
): Promise<void> {
  const rl = createInterface({ input: io.input, output: io.tty ? io.output : undefined, terminal: io.tty });
  rl.setPrompt(PROMPT);
  c.setRedrawPrompt(() => {
    if (io.tty) rl.prompt(true);
  });
  let queue = Promise.resolve();
  return new Promise((resolve) => {
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      rl.close();
      void queue.then(resolve);
    };
    rl.on('line', (line) => {
      if (/^\s*(exit|quit)\s*$/i.test(line)) {
        close();
        return;
      }
      queue = queue.then(async () => {
        // An answer to a question is printed below the usual prompt again.
        rl.setPrompt(PROMPT);
        await answerLine(line, c);
        // A question asked is the prompt in a terminal (the answer is typed after it), else a line.
        const question = c.pending?.question;
        rl.setPrompt(question ?? PROMPT);
        if (question === undefined) return;
        if (io.tty) rl.prompt(true);
        else c.out.print([question.trimEnd()]);
      });
    });
    rl.on('close', close);
    if (io.tty) rl.prompt();
  });
}
