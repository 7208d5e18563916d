/** A request/response client under test: one request of `payload`, settled by its response. */
export interface Rpc {
  request(payload: Uint8Array): Promise<unknown>;
  close(): Promise<void>;
}

/** Throughput and latency of one run of requests. */
export interface RpcRun {
  readonly requestsPerSecond: number;
  readonly p50Us: number;
  readonly p99Us: number;
  /** CPU time of the process (both ends of the connection run in it) per request, in µs. */
  readonly cpuUsPerRequest: number;
}

/**
 * Runs `total` requests of `payload` with `inFlight` outstanding at a time (each lane issues
 * its next request when the previous one settles); measures the rate, the latencies and the
 * process's CPU time.
 */
export async function drive(
  rpc: Rpc,
  payload: Uint8Array,
  total: number,
  inFlight: number,
): Promise<RpcRun> {
  const latencies = new Float64Array(total);
  let started = 0;
  const cpuBefore = process.cpuUsage();
  const begin = performance.now();
  const lane = async (): Promise<void> => {
    while (started < total) {
      const index = started++;
      const t0 = performance.now();
      await rpc.request(payload);
      latencies[index] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const elapsed = performance.now() - begin;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort();
  return {
    requestsPerSecond: (total / elapsed) * 1000,
    p50Us: latencies[Math.floor(total * 0.5)]! * 1000,
    p99Us: latencies[Math.floor(total * 0.99)]! * 1000,
    cpuUsPerRequest: (cpu.user + cpu.system) / total,
  };
}
