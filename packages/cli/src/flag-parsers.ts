import { InvalidArgumentError } from 'commander';

/**
 * Reads a `host:port` flag value (`[v6]:port` for IPv6); the port may be 0 (any free port).
 * Throws commander's `InvalidArgumentError`, which the command prints next to the flag's name.
 */
export function parseAddressFlag(value: string): string {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(value);
  if (match === null || Number(match[3]) > 65_535) {
    throw new InvalidArgumentError(
      `expected host:port (or [v6]:port), found ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Collects a repeatable `host:port` flag (`--seed a --seed b`) into a list. */
export function collectAddressFlag(value: string, previous: readonly string[] = []): string[] {
  return [...previous, parseAddressFlag(value)];
}

/** A decimal integer flag within `min … max`. */
export function integerFlag(min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = /^\d{1,10}$/.test(value) ? Number(value) : Number.NaN;
    if (!(parsed >= min && parsed <= max)) {
      throw new InvalidArgumentError(
        `expected an integer from ${min} to ${max}, found ${JSON.stringify(value)}`,
      );
    }
    return parsed;
  };
}

const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** A node id flag: a decimal u64. */
export function parseNodeIdFlag(value: string): bigint {
  const id = /^\d{1,20}$/.test(value) ? BigInt(value) : -1n;
  if (id < 0n || id > U64_MAX) {
    throw new InvalidArgumentError(
      `expected a decimal node id from 0 to ${U64_MAX}, found ${JSON.stringify(value)}`,
    );
  }
  return id;
}
