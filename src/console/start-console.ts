import type { Logger } from 'pino';
import { type ConsoleServicesDeps, composeConsole } from './compose-console';
import { createConsoleOutput, wantsColour } from './console-output';
import { type ConsoleSession, runConsole } from './run-console';

/**
 * Runs the terminal front end on standard input and output until `exit` or Ctrl-D: the demo and
 * `npm run console` differ only in what they hand in (EnOS, stores, clock, who acts).
 */
export async function startConsole(
  deps: Omit<ConsoleServicesDeps, 'out'>,
  greeting: readonly string[],
  logger: Logger,
): Promise<void> {
  const tty = process.stdin.isTTY === true && process.stdout.isTTY === true;
  let redraw: (() => void) | undefined;
  const out = createConsoleOutput({
    write: (text) => process.stdout.write(text),
    tty,
    colour: wantsColour(tty, process.env),
    redrawPrompt: () => redraw?.(),
  });
  const services = composeConsole({ ...deps, out });
  const session: ConsoleSession = {
    services,
    out,
    logger,
    setRedrawPrompt: (r) => {
      redraw = r;
    },
  };
  out.print(greeting, 'dim');
  try {
    await runConsole(session, { input: process.stdin, output: process.stdout, tty });
  } finally {
    await services.stop();
  }
}
