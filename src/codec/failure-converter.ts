/**
 * The failure converter of every worker, client and workflow bundle (loaded by path, see `FAILURE_CONVERTER_PATH`):
 * failure messages and stack traces move into an encoded attributes payload, so the payload codec encrypts them too.
 * Part of the workflow bundle, so it imports nothing but the SDK's common package.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
