import { describe, expect, it } from 'vitest';
import { type ErrorReportEvent, SafeEventTarget } from '../src/index.js';

class Ticker extends SafeEventTarget<{ tick: Event; tock: Event }> {}

describe('SafeEventTarget', () => {
  it('counts listeners per type, honouring once, signal and duplicates', () => {
    const ticker = new Ticker();
    const listener = () => {};
    ticker.addEventListener('tick', listener);
    ticker.addEventListener('tick', listener);
    ticker.addEventListener('tick', listener, { capture: true });
    ticker.addEventListener('tock', () => {}, { once: true });
    const controller = new AbortController();
    ticker.addEventListener('tock', () => {}, { signal: controller.signal });
    expect(ticker.listenerCount('tick')).toBe(2);
    expect(ticker.listenerCount('tock')).toBe(2);
    ticker.dispatchEvent(new Event('tock'));
    expect(ticker.listenerCount('tock')).toBe(1);
    controller.abort();
    expect(ticker.listenerCount('tock')).toBe(0);
    ticker.removeEventListener('tick', listener);
    expect(ticker.listenerCount('tick')).toBe(1);
  });

  it('catches and counts exceptions of listeners, and later listeners still run', () => {
    const ticker = new Ticker();
    const calls: string[] = [];
    ticker.addEventListener('tick', () => {
      calls.push('first');
      throw new Error('boom');
    });
    ticker.addEventListener('tick', { handleEvent: () => calls.push('second') });
    expect(() => ticker.dispatchEvent(new Event('tick'))).not.toThrow();
    expect(calls).toEqual(['first', 'second']);
    expect(ticker.listenerErrors).toBe(1);
  });
});

describe('SafeEventTarget.dispatchToListeners', () => {
  class Loop extends SafeEventTarget<{ tick: Event }> {
    fire(event: Event): void {
      this.dispatchToListeners(event);
    }
  }

  it('calls listeners as a dispatch would: capture first, in order, once, removal and addition meanwhile', () => {
    const loop = new Loop();
    const calls: string[] = [];
    const late = () => calls.push('late');
    const removed = () => calls.push('removed');
    loop.addEventListener('tick', () => {
      calls.push('first');
      loop.removeEventListener('tick', removed);
      loop.addEventListener('tick', late);
    });
    loop.addEventListener('tick', removed);
    loop.addEventListener('tick', () => calls.push('once'), { once: true });
    loop.addEventListener('tick', () => calls.push('capture'), { capture: true });
    loop.addEventListener('tick', { handleEvent: () => calls.push('object') });
    const event = new Event('tick');
    loop.fire(event);
    expect(calls).toEqual(['capture', 'first', 'once', 'object']);
    expect(event.target).toBe(null);
    calls.length = 0;
    loop.fire(new Event('tick'));
    expect(calls).toEqual(['capture', 'first', 'object', 'late']);
    expect(loop.listenerCount('tick')).toBe(4);
  });

  it('counts and reports what a listener throws, and the next ones still run', () => {
    const loop = new Loop();
    const reports: unknown[] = [];
    loop.addEventListener('error', (event) => reports.push((event as ErrorReportEvent).source));
    loop.addEventListener('tick', () => {
      throw new Error('bad');
    });
    let after = 0;
    loop.addEventListener('tick', () => after++);
    loop.fire(new Event('tick'));
    expect(loop.listenerErrors).toBe(1);
    expect(reports).toEqual(['listener:tick']);
    expect(after).toBe(1);
  });
});
