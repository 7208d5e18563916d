import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/swim-process.ts', import.meta.url));
/** Longest wait for one cluster-wide condition (SWIM's `local` preset detects a crash in seconds). */
const DEADLINE_MS = 60_000;

/** A node process and the state it last reported for each member. */
class NodeProcess {
  readonly view = new Map<string, string>();
  address = '';
  #waiters: (() => void)[] = [];
  readonly child: ChildProcess;

  constructor(id: number, port: number, seeds: string[]) {
    this.child = spawn(
      process.execPath,
      ['--import', 'tsx', script, String(id), String(port), ...seeds],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as {
        type: string;
        node?: string;
        state?: string;
        address?: string;
      };
      if (event.type === 'ready') this.address = event.address!;
      else this.view.set(event.node!, event.state!);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.child.once('exit', () => {
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Resolves once `condition()` holds (checked after each line the node prints). */
  until(condition: () => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${what}: not within ${DEADLINE_MS} ms`)),
        DEADLINE_MS,
      );
      const check = (): void => {
        if (condition()) {
          clearTimeout(timer);
          resolve();
        } else if (this.exited) {
          clearTimeout(timer);
          reject(
            new Error(
              `${what}: the process exited (${this.child.exitCode ?? this.child.signalCode})`,
            ),
          );
        } else this.#waiters.push(check);
      };
      check();
    });
  }

  kill(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }
}

const running: NodeProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((node) => node.kill()));
});

function start(id: number, port: number, seeds: string[]): NodeProcess {
  const node = new NodeProcess(id, port, seeds);
  running.push(node);
  return node;
}

describe('three processes running SwimNode over TCP', () => {
  it('mark a SIGKILLed node dead, and accept it again when it restarts', async () => {
    const first = start(1, 0, []);
    await first.until(() => first.address !== '', 'node 1 listens');
    // The others know only node 1's address.
    const seed = first.address;
    const second = start(2, 0, [seed]);
    const third = start(3, 0, [seed]);
    await third.until(() => third.address !== '', 'node 3 listens');
    const thirdPort = Number(third.address.split(':')[1]);
    const nodes = [first, second, third];
    for (const node of nodes) {
      await node.until(
        () =>
          ['1', '2', '3'].every(
            (id) =>
              node.view.get(id) === 'Alive' ||
              (node === nodes[Number(id) - 1] && !node.view.has(id)),
          ),
        'every node sees the others alive',
      );
    }
    await third.kill();
    for (const node of [first, second]) {
      await node.until(() => node.view.get('3') === 'Dead', 'the survivors mark node 3 dead');
    }
    const restarted = start(3, thirdPort, [seed]);
    for (const node of [first, second]) {
      await node.until(() => node.view.get('3') === 'Alive', 'the restarted node 3 is alive again');
    }
    await restarted.until(
      () => restarted.view.get('1') === 'Alive' && restarted.view.get('2') === 'Alive',
      'node 3 sees the others',
    );
    expect(first.view.get('2')).toBe('Alive');
  });
});
