/**
 * Reports a failure that was caught so that a loop could keep running: a listener that threw, or
 * an exception inside a protocol engine. Dispatched as an `error` event by every
 * {@link SafeEventTarget}; `source` says what failed (e.g. `listener:message` for a `message`
 * listener).
 *
 * @example
 * ```ts
 * target.addEventListener('error', (event) => console.error(event.source, event.error));
 * ```
 */
export class ErrorReportEvent extends Event {
  /** What was thrown. */
  readonly error: unknown;
  /** What failed: `listener:<event type>` for a listener, otherwise named by the dispatcher. */
  readonly source: string;

  constructor(error: unknown, source: string) {
    super('error');
    this.error = error;
    this.source = source;
  }
}
