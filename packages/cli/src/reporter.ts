import type { Writable } from 'node:stream';
import { intro, log, outro, progress, spinner } from '@clack/prompts';

/** A task that shows it is running, then how it ended. */
export interface ReporterTask {
  /** Replaces the task's running message. */
  message(text: string): void;
  /** Ends the task as done, with its final message. */
  done(text: string): void;
  /** Ends the task as failed, with its final message. */
  fail(text: string): void;
}

/** A task with a known amount of work, shown as a progress bar. */
export interface ReporterBar extends ReporterTask {
  /** Records `step` more units of work done, with an optional new message. */
  advance(step: number, text?: string): void;
}

/**
 * Where a command reports its progress. On a terminal, tasks are spinners and bars that redraw
 * in place; anywhere else (a pipe, a CI log), every report is a plain line, and a bar prints a
 * line at each quarter of its work.
 */
export interface Reporter {
  /** Opens the report with a title. */
  start(title: string): void;
  /** A line of information. */
  info(text: string): void;
  /** A line about a step reached. */
  step(text: string): void;
  /** A line about something that went wrong but let the command go on. */
  warn(text: string): void;
  /** A task shown as a spinner. */
  task(text: string): ReporterTask;
  /** A task of `total` units shown as a progress bar. */
  bar(text: string, total: number): ReporterBar;
  /** Closes the report with a last line. */
  end(text: string): void;
}

/**
 * A {@link Reporter} that writes to `output` (a terminal or not) with `@clack/prompts`.
 *
 * @param interactive redraw in place (spinners, a live bar); without it every report is a
 *   plain line. @default `output.isTTY === true`
 */
export function clackReporter(
  output: Writable & { isTTY?: boolean },
  interactive: boolean = output.isTTY === true,
): Reporter {
  // `accessible` is clack's plain-line mode: no cursor movement, one line per report.
  const common = { output, accessible: !interactive } as const;
  return {
    start: (title) => intro(title, common),
    info: (text) => log.info(text, common),
    step: (text) => log.step(text, common),
    warn: (text) => log.warn(text, common),
    task: (text) => {
      const indicator = spinner({ ...common, indicator: 'timer' });
      indicator.start(text);
      return {
        message: (next) => indicator.message(next),
        done: (last) => indicator.stop(last),
        fail: (last) => indicator.error(last),
      };
    },
    bar: (text, total) => {
      const max = Math.max(1, total);
      const bar = progress({ ...common, max, indicator: 'timer' });
      bar.start(text);
      let done = 0;
      return {
        message: (next) => bar.message(next),
        advance: (step, next) => {
          const before = done;
          done = Math.min(max, done + step);
          bar.advance(step, next);
          const quarter = Math.floor((done * 4) / max);
          if (!interactive && quarter > Math.floor((before * 4) / max) && done < max) {
            log.message(`${text} (${done}/${max})`, common);
          }
        },
        done: (last) => bar.stop(last),
        fail: (last) => bar.error(last),
      };
    },
    end: (text) => outro(text, common),
  };
}
