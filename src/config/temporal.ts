import { z } from 'zod';
import { invalid, optionalText, port } from './env';

/** The Temporal variables the gateway and the worker share. */
export const temporalEnv = z.object({
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  // An HTTP CONNECT proxy for the gRPC connections to Temporal; the egress proxy variables never apply to them.
  TEMPORAL_GRPC_PROXY: optionalText,
  TEMPORAL_DEV_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  TASK_QUEUE: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._-]{1,100}$/)
    .default('ekyc-journeys'),
});

/** Where Temporal is, and the embedded dev server's ports when it is not set. */
export function temporalSettings(e: z.infer<typeof temporalEnv>) {
  return {
    /** Set when an external cluster is used; unset means the embedded dev server. */
    address: e.TEMPORAL_ADDRESS,
    namespace: e.TEMPORAL_NAMESPACE,
    /** Main task queue; the FaceID and media queues are derived from it. */
    taskQueue: e.TASK_QUEUE,
    devServerPort: e.TEMPORAL_DEV_PORT,
    uiPort: e.TEMPORAL_UI_PORT,
    /** `TEMPORAL_GRPC_PROXY`: an http CONNECT proxy for Temporal's gRPC, with optional credentials. */
    grpcProxy: parseGrpcProxy(e.TEMPORAL_GRPC_PROXY),
  };
}

function parseGrpcProxy(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(/^[a-z]+:\/\//i.test(value) ? value : `http://${value}`);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'http:' || !url.port || (url.pathname !== '/' && url.pathname !== '')) {
    throw invalid('TEMPORAL_GRPC_PROXY', 'expected http://[user:password@]host:port');
  }
  return url;
}
