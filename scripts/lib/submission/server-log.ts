/**
 * The runtime's log (`[submit] …` lines): warnings and errors go out at once on stderr; the info lines of one turn
 * of the event loop go out together in one write on stdout. Under a flood every accepted submission logs a line
 * (`JY-2026-…: 已登记为 #N`), and one console.log each — a synchronous write to the pipe or file, on the thread
 * that answers the requests — was 4% of that thread's time (CPU profile of bench:submit, issue 11). An info line
 * still waiting when a warning comes is written first, so the order of the lines stays as it happened. What a
 * crash can lose is at most one turn's info lines, each of which restates a row already committed in the store.
 */
import type { LogLevel } from './service.ts';

export interface ServerLogOutput {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: ServerLogOutput = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

export function createServerLog(output: ServerLogOutput = processOutput): (level: LogLevel, message: string) => void {
  let pending = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (!pending) return;
    const text = pending;
    pending = '';
    output.out(text);
  };
  return (level, message) => {
    const line = `[submit] ${message}\n`;
    if (level !== 'info') {
      flush();
      return output.err(line);
    }
    pending += line;
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
}
