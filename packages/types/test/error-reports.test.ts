import { describe, expect, it } from 'vitest';
import { ErrorReportEvent, SafeEventTarget, TalaError } from '../src/index.js';

declare module '../src/index.js' {
  interface TalaErrorCodeMap {
    /** A code another package adds, without editing `@tala-net/types`. */
    HandshakeFailed: true;
  }
}

class Ticker extends SafeEventTarget<{ tick: Event }> {
  added: string[] = [];
  protected override listenerAdded(type: string): void {
    this.added.push(type);
  }
  fail(error: unknown): void {
    this.reportError(error, 'engine');
  }
}

describe('listener failures are counted and reported', () => {
  it('reports a throwing listener as an error event and keeps dispatching', () => {
    const ticker = new Ticker();
    const boom = new Error('boom');
    const reports: ErrorReportEvent[] = [];
    let after = 0;
    ticker.addEventListener('tick', () => {
      throw boom;
    });
    ticker.addEventListener('tick', () => after++);
    ticker.addEventListener('error', (event) => {
      if (event instanceof ErrorReportEvent) reports.push(event);
    });
    ticker.dispatchEvent(new Event('tick'));
    expect(after).toBe(1);
    expect(ticker.listenerErrors).toBe(1);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.error).toBe(boom);
    expect(reports[0]!.source).toBe('listener:tick');
  });

  it('counts a throwing error listener without reporting it again (no loop)', () => {
    const ticker = new Ticker();
    ticker.addEventListener('error', () => {
      throw new Error('error listener');
    });
    ticker.addEventListener('tick', () => {
      throw new Error('tick listener');
    });
    ticker.dispatchEvent(new Event('tick'));
    expect(ticker.listenerErrors).toBe(2);
  });

  it('lets subclasses report their own caught failures and react to new listeners', () => {
    const ticker = new Ticker();
    const sources: string[] = [];
    ticker.fail(new Error('unseen'));
    const onError = (event: Event) => sources.push((event as ErrorReportEvent).source);
    ticker.addEventListener('error', onError);
    ticker.addEventListener('error', onError);
    ticker.fail(new Error('seen'));
    expect(sources).toEqual(['engine']);
    expect(ticker.added).toEqual(['error']);
  });
});

describe('TalaError', () => {
  it('takes codes that other packages add, and keeps the cause it wraps', () => {
    const cause = new Error('socket closed');
    const error = new TalaError('HandshakeFailed', 'peer hung up', { cause });
    expect(error.code).toBe('HandshakeFailed');
    expect(error.cause).toBe(cause);
  });

  it('is recognised by instanceof across two copies of the package', async () => {
    // A second instance of the module, as a duplicate install or an ESM/CJS pair would load.
    const path: string = '../src/tala-error.js?copy';
    const copy = (await import(/* @vite-ignore */ path)) as typeof import('../src/tala-error.js');
    expect(copy.TalaError).not.toBe(TalaError);
    const foreign = new copy.TalaError('InvalidId', 'from the other copy');
    expect(foreign instanceof TalaError).toBe(true);
    expect(new TalaError('Closed', 'x') instanceof copy.TalaError).toBe(true);
    expect(new Error('plain') instanceof TalaError).toBe(false);
  });
});
