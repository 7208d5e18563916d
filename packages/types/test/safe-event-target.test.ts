import { describe, expect, it } from 'vitest';
import { SafeEventTarget } from '../src/index.js';

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
