import { readFileSync } from 'node:fs';
import type { ClusterNodeOptions } from '@tala-net/cluster';
import { NodeId, TalaError } from '@tala-net/types';

/** The flags of `tala-net node`, as the argument parser read them. */
export interface NodeFlags {
  /** `--listen host:port`. */
  readonly listen: string;
  /** `--advertise host:port`. */
  readonly advertise?: string;
  /** `--seed host:port`, repeatable. */
  readonly seed?: readonly string[];
  /** `--status host:port`. */
  readonly status?: string;
  /** `--id <u64>`. */
  readonly id?: bigint;
  /** `--id-file <path>`. */
  readonly idFile?: string;
  /** `--label <label>`. */
  readonly label?: string;
  /** `--partitions <n>`. */
  readonly partitions?: number;
  /** `--replicas <n>`. */
  readonly replicas?: number;
  /** `--zone <zone>`. */
  readonly zone?: string;
  /** `--swim <preset>`. */
  readonly swim?: 'lan' | 'wan' | 'local';
  /** `--tls-key <file>`. */
  readonly tlsKey?: string;
  /** `--tls-cert <file>`. */
  readonly tlsCert?: string;
  /** `--tls-ca <file>`. */
  readonly tlsCa?: string;
}

/**
 * The options of `ClusterNode.start` for the flags of `tala-net node`: the TLS files are read
 * here. Throws a `TalaError` (`InvalidArgument`) when only some of the three TLS flags are given
 * or a file cannot be read.
 */
export function clusterOptionsFromFlags(flags: NodeFlags): ClusterNodeOptions {
  const tlsFlags = [flags.tlsKey, flags.tlsCert, flags.tlsCa];
  const tlsGiven = tlsFlags.filter((file) => file !== undefined).length;
  if (tlsGiven !== 0 && tlsGiven !== 3) {
    throw new TalaError(
      'InvalidArgument',
      'node: TLS needs all of --tls-key, --tls-cert and --tls-ca (PEM files), found only some',
    );
  }
  return {
    listen: flags.listen,
    seeds: flags.seed ?? [],
    ...(flags.advertise === undefined ? {} : { advertise: flags.advertise }),
    ...(flags.id === undefined ? {} : { id: NodeId(flags.id) }),
    ...(flags.idFile === undefined ? {} : { idFile: flags.idFile }),
    ...(flags.label === undefined ? {} : { label: flags.label }),
    ...(flags.partitions === undefined ? {} : { partitions: flags.partitions }),
    ...(flags.replicas === undefined ? {} : { replicas: flags.replicas }),
    ...(flags.status === undefined ? {} : { status: flags.status }),
    ...(flags.zone === undefined ? {} : { zone: flags.zone }),
    ...(flags.swim === undefined ? {} : { swim: flags.swim }),
    ...(tlsGiven === 3
      ? {
          tls: {
            key: readPem(flags.tlsKey!, '--tls-key'),
            cert: readPem(flags.tlsCert!, '--tls-cert'),
            ca: readPem(flags.tlsCa!, '--tls-ca'),
          },
        }
      : {}),
  };
}

function readPem(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new TalaError('InvalidArgument', `node: cannot read ${flag} ${file} (${reason})`, {
      cause,
    });
  }
}
