/** The payload codec: AES-256-GCM under a rotating key ring, and the data converter every process uses. */
export {
  AesGcmCodec,
  ENCRYPTED_ENCODING,
  JOURNEY_METADATA,
  KEY_ID_METADATA,
  type JourneyDataKeys,
  PayloadDecryptionError,
  UnknownCodecKeyError,
} from './aes-gcm-codec';
export { ArchiveDataKeys, DataKeyErasedError, journeyOfWorkflowId } from './data-keys';
export { dataConverterFor, FAILURE_CONVERTER_PATH } from './data-converter';
export { isRefusedPayload } from '../contracts/refused-payload';
export { KeyRing, KeyRingError, parseKeyRing, SANDBOX_CODEC_KEYS, type CodecKey } from './key-ring';
export { payloadFromJson, payloadToJson } from './payload-json';
