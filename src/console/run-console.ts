import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { parseCommand } from '../core/parse-command';
import { historyMessage } from '../slack/ui/history-message';
import { usageErrorMessage } from '../slack/ui/trigger-messages';
import type { ConsoleServices } from './compose-console';
import type { ConsoleOutput } from './console-output';
import { plainLinesOf } from './plain-lines-of';

/** What the prompt works with. */
export interface ConsoleSession {
  services: ConsoleServices;
  out: ConsoleOutput;
  logger: Logger;
  /** Tells the output how to draw the prompt again after printing. */
  setRedrawPrompt(redraw: () => void): void;
}

/** How many attempts `history` lists, as in Slack. */
const HISTORY_LENGTH = 10;

/** What the console answers to `help`: the slash command's grammar, without the slash command. */
export const CONSOLE_HELP = [
  'Type what you would type after /flow-trigger in Slack:',
  '  3377 now                          trigger flow 3377 now',
  '  3377 at 14:00 REPLACE=ddee        at a time (your zone), with parameters',
  '  status 3377-20260101140000        a run as EnOS reports it now',
  '  history [flowId]                  your last trigger attempts',
  '  help                              this text',
  '  exit                              quit (or Ctrl-D)',
];

/**
 * Words that are not (yet) the slash command's: the one place where a console verb is routed, so
 * that `preview` and `backfill` plug in here once their use cases exist.
 */
const CONSOLE_VERBS: Record<string, (rest: string, c: ConsoleSession) => Promise<void> | void> = {
  preview: (_rest, { out }) =>
    out.print(
      ['preview is not available in the console yet: use it in Slack (/flow-trigger preview …).'],
      'bad',
    ),
  backfill: (_rest, { out }) =>
    out.print(
      ['backfill is not available in the console yet: use it in Slack (/flow-trigger backfill …).'],
      'bad',
    ),
};

/** Answers one line typed at the prompt. Never throws: a failure is said in words. */
export async function answerLine(line: string, c: ConsoleSession): Promise<void> {
  const text = line.trim();
  if (text === '') return;
  const [verb = '', ...rest] = text.split(/\s+/);
  const special = CONSOLE_VERBS[verb.toLowerCase()];
  if (special) return special(rest.join(' '), c);
  if (verb.toLowerCase() === 'help') return c.out.print(CONSOLE_HELP);
  const parsed = parseCommand(text);
  if (!parsed.ok) return c.out.print(plainLinesOf(usageErrorMessage(parsed.error.message)), 'bad');
  const cmd = parsed.command;
  try {
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
      default:
        return c.out.print(
          [`“${verb}” is for Slack (links and the form); in the console type help for what works here.`],
          'bad',
        );
    }
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
  rl.setPrompt('flow-trigger> ');
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
      queue = queue.then(() => answerLine(line, c));
    });
    rl.on('close', close);
    if (io.tty) rl.prompt();
  });
}
