import type { DataConverter } from '@temporalio/common';
import { AesGcmCodec, type JourneyDataKeys } from './aes-gcm-codec';
import type { KeyRing } from './key-ring';

/** Path of the module exporting the failure converter, which `bundleJourneyWorkflows` bundles. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/** Path of the workflow interceptor module that refuses what arrived unencrypted, which `bundleJourneyWorkflows` bundles. */
export const UNENCRYPTED_GUARD_PATH = require.resolve('../workflows/unencrypted-guard');

/**
 * The data converter of every worker, client and replayer of the service: payloads encrypted by the AES-256-GCM
 * codec, a journey's under its own data key (`dataKeys`) and anything else under the key ring's current key, failure
 * messages and stack traces encoded (and so encrypted) as well.
 * A payload that arrives unencrypted (sent around the service, straight over Temporal's API) decodes to a stand-in
 * that the workflows refuse, unless `acceptUnencrypted` (`CODEC_ACCEPT_UNENCRYPTED`, for a migration) is set.
 */
export function dataConverterFor(
  keys: KeyRing,
  options: { acceptUnencrypted?: boolean; dataKeys?: JourneyDataKeys } = {},
): DataConverter {
  const codec = new AesGcmCodec(keys, options.acceptUnencrypted ? 'pass' : 'refuse', options.dataKeys);
  return { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH };
}
