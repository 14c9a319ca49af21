import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec } from './aes-gcm-codec';
import type { KeyRing } from './key-ring';

/**
 * Path of the module exporting the failure converter: give it to `bundleWorkflowCode({ failureConverterPath })` when
 * building a workflow bundle yourself (workers that bundle from `workflowsPath` pick it up from the data converter).
 */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/**
 * The data converter of every worker, client and replayer of the service: payloads encrypted by the AES-256-GCM
 * codec under the key ring's current key, failure messages and stack traces encoded (and so encrypted) as well.
 */
export function dataConverterFor(keys: KeyRing): DataConverter {
  return { payloadCodecs: [new AesGcmCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
