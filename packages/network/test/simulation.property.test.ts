import { NodeId } from '@tala-net/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ErrorCode, RequestError } from '../src/index.js';
import { simulated } from './support.js';

interface Plan {
  readonly seed: number;
  readonly loss: number;
  readonly duplicate: number;
  readonly reorder: number;
  readonly requests: readonly {
    readonly to: number;
    readonly timeout: number;
    readonly retry: boolean;
    readonly abortAfter: number | undefined;
    readonly failWith: number | undefined;
  }[];
}

const plans: fc.Arbitrary<Plan> = fc.record({
  seed: fc.nat({ max: 1_000_000 }),
  loss: fc.double({ min: 0.05, max: 0.5, noNaN: true }),
  duplicate: fc.double({ min: 0, max: 0.5, noNaN: true }),
  reorder: fc.double({ min: 0, max: 0.5, noNaN: true }),
  requests: fc.array(
    fc.record({
      to: fc.integer({ min: 2, max: 3 }),
      timeout: fc.integer({ min: 5, max: 300 }),
      retry: fc.boolean(),
      abortAfter: fc.option(fc.integer({ min: 0, max: 200 }), { nil: undefined }),
      failWith: fc.option(fc.constantFrom(ErrorCode.NotController, ErrorCode.InvalidRequest), {
        nil: undefined,
      }),
    }),
    { minLength: 1, maxLength: 25 },
  ),
});

describe('requests in the simulator under loss, duplication and delay', () => {
  it('every request settles exactly once, with its own response or an error', async () => {
    await fc.assert(
      fc.asyncProperty(plans, async (plan) => {
        const { networks, run } = await simulated(3, {
          seed: plan.seed,
          link: {
            latency: { kind: 'uniform', min: 1, max: 40 },
            loss: plan.loss,
            duplicate: plan.duplicate,
            reorder: plan.reorder,
          },
        });
        for (const network of networks.slice(1)) {
          network.register('rpc', {
            request: ({ payload }) => {
              const failWith = payload[1]!;
              if (failWith !== 0) throw new RequestError(failWith, 'planned');
              return payload;
            },
          });
        }
        const conduit = networks[0]!.register('rpc', {});
        const abortAt: [number, AbortController][] = [];
        const settlements = plan.requests.map(() => 0);
        const outcomes: (Uint8Array | Error | undefined)[] = plan.requests.map(() => undefined);
        plan.requests.forEach((request, index) => {
          const controller = new AbortController();
          const payload = new Uint8Array([index, request.failWith ?? 0]);
          conduit
            .request(NodeId(request.to), payload, {
              timeout: request.timeout,
              retry: request.retry ? { attempts: 4, baseMs: 5, capMs: 40 } : false,
              signal: controller.signal,
            })
            .then(
              (value) => {
                settlements[index]!++;
                outcomes[index] = value;
              },
              (error: Error) => {
                settlements[index]!++;
                outcomes[index] = error;
              },
            );
          if (request.abortAfter !== undefined) abortAt.push([request.abortAfter, controller]);
        });
        for (let t = 0; t < 700; t += 5) {
          for (const [at, controller] of abortAt) if (at <= t) controller.abort();
          await run(5);
        }
        expect(settlements).toEqual(plan.requests.map(() => 1));
        outcomes.forEach((outcome, index) => {
          if (outcome instanceof Uint8Array) {
            expect(outcome[0]).toBe(index);
            expect(plan.requests[index]!.failWith).toBeUndefined();
          } else {
            expect(outcome).toBeInstanceOf(Error);
          }
        });
        const metrics = networks[0]!.metrics();
        expect(metrics.pendingRequests).toBe(0);
        expect(metrics.channels.rpc!.requestsInFlight).toBe(0);
      }),
      { numRuns: 40 },
    );
  });
});
