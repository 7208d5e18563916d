import * as grpc from '@grpc/grpc-js';
import type { Rpc } from './rpc.js';

const identity = (bytes: Buffer): Buffer => bytes;

/** One unary method carrying raw bytes both ways: no protobuf encoding, no code generation. */
const echoService = {
  echo: {
    path: '/tala.bench.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
} satisfies grpc.ServiceDefinition;

/**
 * `@grpc/grpc-js` unary calls over an insecure HTTP/2 connection on loopback, the server
 * answering each request with its payload: what most Node users would pick for request/response.
 */
export async function grpcUnaryRpc(): Promise<Rpc> {
  const server = new grpc.Server();
  server.addService(echoService, {
    echo: (
      call: grpc.ServerUnaryCall<Buffer, Buffer>,
      callback: grpc.sendUnaryData<Buffer>,
    ): void => {
      callback(null, call.request);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error === null ? resolve(bound) : reject(error),
    ),
  );
  const Client = grpc.makeGenericClientConstructor(echoService, 'Echo');
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const echo = client as unknown as {
    echo(request: Buffer, callback: (error: grpc.ServiceError | null) => void): void;
  };
  return {
    request(payload) {
      const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
      return new Promise<void>((resolve, reject) => {
        echo.echo(bytes, (error) => (error === null ? resolve() : reject(error)));
      });
    },
    async close() {
      client.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
}
