/** How a line reads: the colour it gets in a terminal that shows colours. */
export type Tone = 'plain' | 'ok' | 'bad' | 'info' | 'dim';

const COLOURS: Record<Tone, string> = {
  plain: '',
  ok: '\x1b[32m',
  bad: '\x1b[31m',
  info: '\x1b[36m',
  dim: '\x1b[2m',
};
const RESET = '\x1b[0m';

/** Where the console writes: permanent lines, and one live line per run kept current. */
export interface ConsoleOutput {
  /** Prints lines for good. */
  print(lines: readonly string[], tone?: Tone): void;
  /**
   * A run's progress line: in a terminal, rewritten in place while it is the last thing printed;
   * otherwise (a pipe, a file) printed as a new plain line each time it changes.
   */
  progress(key: string, line: string, tone?: Tone): void;
}

export interface ConsoleOutputOptions {
  write: (text: string) => void;
  /** A terminal: progress is rewritten in place. */
  tty: boolean;
  /** Colours on: a terminal, and NO_COLOR unset or empty (no-color.org). */
  colour: boolean;
  /** Called after every write, to draw the prompt again below what was printed. */
  redrawPrompt?: () => void;
}

/** Whether to colour: only a terminal, and never when NO_COLOR is set to anything. */
export function wantsColour(tty: boolean, env: NodeJS.ProcessEnv): boolean {
  return tty && (env.NO_COLOR === undefined || env.NO_COLOR === '');
}

export function createConsoleOutput(options: ConsoleOutputOptions): ConsoleOutput {
  const { write, tty } = options;
  const paint = (line: string, tone: Tone) =>
    options.colour && tone !== 'plain' ? `${COLOURS[tone]}${line}${RESET}` : line;
  /** The live line last printed (a terminal only), and the last line of each run (a pipe). */
  let lastLive: string | undefined;
  const shown = new Map<string, string>();

  // In a terminal the prompt may be on the current line: clear it before printing above it.
  const clearPrompt = () => (tty ? '\r\x1b[2K' : '');

  return {
    print(lines, tone = 'plain') {
      write(clearPrompt() + lines.map((l) => `${paint(l, tone)}\n`).join(''));
      lastLive = undefined;
      options.redrawPrompt?.();
    },
    progress(key, line, tone = 'info') {
      if (shown.get(key) === line) return;
      shown.set(key, line);
      if (tty && lastLive === key) {
        // Up one line (the live line is just above the prompt), clear it, and write it again.
        write(`\r\x1b[2K\x1b[1A\x1b[2K${paint(line, tone)}\n`);
      } else {
        write(`${clearPrompt()}${paint(line, tone)}\n`);
      }
      lastLive = tty ? key : undefined;
      options.redrawPrompt?.();
    },
  };
}
