import { createRequire } from 'node:module';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type History = proto.temporal.api.history.v1.IHistory;

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): unknown;
}

/*
 * The SDK's historyToJSON / historyFromJSON (`@temporalio/common/lib/proto-utils`) check `instanceof Type` against
 * their own copy of protobufjs, and npm installs @temporalio/common and @temporalio/proto each with a separate copy
 * here, so both throw "type must be a Type". These do the same conversion with the protobufjs copy @temporalio/proto
 * itself loads, so the reflected types and the JSON codec are one library.
 */
const protojson = createRequire(require.resolve('@temporalio/proto'))('protobufjs/ext/protojson') as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

/** A history as proto3 JSON, the format of `temporal workflow show --output json` and the UI's download. */
export function historyToJson(history: History): string {
  return JSON.stringify(
    protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)),
    null,
    2,
  );
}

/** A history read back from {@link historyToJson}'s output, ready for `Worker.runReplayHistories`. */
export function historyFromJson(json: unknown): History {
  return protojson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History;
}
