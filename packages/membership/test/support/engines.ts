import { type Message, NodeId, seededRandom } from '@tala-net/types';
import {
  type MemberUpdate,
  type SwimConfig,
  SwimEngine,
  type SwimOutput,
  type SwimTimer,
  swimConfig,
} from '../../src/index.js';

/** A test configuration: `lan` with overrides. */
export function testConfig(overrides: Partial<SwimConfig> = {}): SwimConfig {
  return swimConfig('lan', overrides);
}

/** An Alive update for `id` at incarnation 0. */
export function alive(id: number, incarnation = 0n): MemberUpdate {
  return { node: NodeId(id), state: 'Alive', incarnation, address: new Uint8Array() };
}

/** `n` engines with ids 1…n that all know each other from the start. */
export function cluster(
  n: number,
  config: SwimConfig = testConfig(),
  seed = 1,
): Map<NodeId, SwimEngine> {
  const members = Array.from({ length: n }, (_, i) => alive(i + 1));
  const engines = new Map<NodeId, SwimEngine>();
  for (let i = 1; i <= n; i++) {
    engines.set(
      NodeId(i),
      new SwimEngine({ id: NodeId(i), random: seededRandom(seed * 1000 + i), config, members }),
    );
  }
  return engines;
}

/** The messages of `out` of one type, with their destination. */
export function sent<T extends Message['type']>(
  out: SwimOutput,
  type: T,
): Array<{ to: NodeId; message: Extract<Message, { type: T }> }> {
  return out.messages
    .filter((m) => m.message.type === type)
    .map((m) => ({ to: m.to, message: m.message as Extract<Message, { type: T }> }));
}

/** The timers of `out` of one kind. */
export function timers<K extends SwimTimer['kind']>(
  out: SwimOutput,
  kind: K,
): Array<{ at: number; timer: Extract<SwimTimer, { kind: K }> }> {
  return out.timers
    .filter((t) => t.timer.kind === kind)
    .map((t) => ({ at: t.at, timer: t.timer as Extract<SwimTimer, { kind: K }> }));
}

/**
 * Delivers every message of `out` (sent by `from`) to the engines that exist, recursively, at
 * time `now`; returns every output produced, `out` first. Messages to ids in `drop` are lost.
 */
export function deliverAll(
  engines: Map<NodeId, SwimEngine>,
  from: NodeId,
  out: SwimOutput,
  now: number,
  drop: ReadonlySet<NodeId> = new Set(),
): Array<{ node: NodeId; out: SwimOutput }> {
  const produced: Array<{ node: NodeId; out: SwimOutput }> = [{ node: from, out }];
  const queue: Array<{ from: NodeId; to: NodeId; message: Message }> = out.messages.map((m) => ({
    from,
    ...m,
  }));
  while (queue.length > 0) {
    const { from: sender, to, message } = queue.shift()!;
    const engine = engines.get(to);
    if (engine === undefined || drop.has(to) || drop.has(sender)) continue;
    const next = engine.handleMessage(now, sender, message);
    produced.push({ node: to, out: next });
    for (const m of next.messages) queue.push({ from: to, ...m });
  }
  return produced;
}
