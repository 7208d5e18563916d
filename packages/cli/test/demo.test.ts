import { afterEach, describe, expect, it } from 'vitest';
import { processExists, RunningCli } from './support.js';

const running: RunningCli[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.kill()));
});

/** The pids the demo reported for its node processes. */
function nodePids(stdout: string): number[] {
  return [...stdout.matchAll(/\(pid (\d+)\)/g)].map((match) => Number(match[1]));
}

/** The value of a row of the demo's summary table. */
function summaryRow(stdout: string, name: string): string | undefined {
  const line = stdout.split('\n').find((row) => row.startsWith(`${name}  `));
  return line?.slice(name.length).trim();
}

describe('tala-net demo', () => {
  it('routes intents through 5 processes, a SIGKILL and a restart: none lost or delivered twice, and ends every node', async () => {
    const demo = new RunningCli(['demo', '--nodes', '5', '--intents', '200', '--seed', '7']);
    running.push(demo);
    const exit = await demo.closed;
    const output = `${demo.stdout}\n${demo.stderr}`;
    // Plain lines in a pipe: no cursor movement or colour codes.
    expect(demo.stdout).not.toContain('\u001b');
    expect(demo.stdout).toMatch(/5 nodes ready: 1@127\.0\.0\.1:\d+ \(pid \d+\)/);
    expect(demo.stdout).toMatch(/node [2-5] was killed with SIGKILL after 50 intents/);
    expect(demo.stdout).toMatch(/node [2-5] restarted on 127\.0\.0\.1:\d+ \(pid \d+\)/);
    const count = (name: string): number =>
      Number(/^\d+/.exec(summaryRow(demo.stdout, name) ?? '')?.[0]);
    const [acknowledged, total] = (summaryRow(demo.stdout, 'intents acknowledged') ?? '').split(
      '/',
    );
    expect(total).toBe('200');
    // Every acknowledged intent is accounted for: delivered once, more than once, or never.
    expect(
      count('delivered exactly once') +
        count('delivered twice or more') +
        count('acknowledged, never delivered'),
    ).toBe(Number(acknowledged));
    expect(summaryRow(demo.stdout, 'delivered exactly once')).toBe(
      `${count('delivered exactly once')}/${acknowledged}`,
    );
    expect(summaryRow(demo.stdout, 'misroutes')).toBe('0');
    expect(summaryRow(demo.stdout, 'detection (dead for all)')).toMatch(/^\d+ ms$/);
    expect(summaryRow(demo.stdout, 'rebalanced after')).toMatch(/^\d+ ms$/);
    expect(summaryRow(demo.stdout, 'partitions moved')).toMatch(
      /^[1-9]\d* changed owner, [1-9]\d* changed holders$/,
    );
    expect(summaryRow(demo.stdout, 'rejoined after')).toMatch(/^\d+ ms$/);
    expect(summaryRow(demo.stdout, 'replicas identical')).toMatch(/^\d+\/64 partitions$/);
    // No acknowledged intent was lost, none was delivered twice (acknowledged or in doubt), and
    // every partition's replicas ended identical: the exit code says so too.
    expect(count('acknowledged, never delivered')).toBe(0);
    expect(count('delivered twice or more')).toBe(0);
    expect(count('any intent delivered twice')).toBe(0);
    expect(summaryRow(demo.stdout, 'in doubt (IntentInDoubt)')).toMatch(
      /^(0|\d+: accepted by the killed owner, \d+ of them delivered once, the others never)$/,
    );
    expect(summaryRow(demo.stdout, 'replicas identical')).toBe('64/64 partitions');
    expect(exit, output).toEqual({ code: 0, signal: null });
    const pids = nodePids(demo.stdout);
    expect(pids.length).toBe(6); // 5 nodes, one of them started twice
    expect(pids.filter(processExists)).toEqual([]);
  });

  it('ends its node processes when interrupted', async () => {
    const demo = new RunningCli(['demo', '--nodes', '3', '--intents', '100000', '--seed', '3']);
    running.push(demo);
    await demo.waitFor(/nodes ready: .*\n/);
    const pids = nodePids(demo.stdout);
    expect(pids.length).toBe(3);
    demo.child.kill('SIGINT');
    const exit = await demo.closed;
    expect(exit.code, `${demo.stdout}\n${demo.stderr}`).toBe(130);
    expect(pids.filter(processExists)).toEqual([]);
  });
});
