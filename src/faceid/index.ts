/** Public API of the FaceID layer. Workflow code imports `./actions` directly, which has no zod or SDK imports. */
export * from './actions';
export * from './client';
export * from './document-types';
export * from './errors';
export * from './parse';
export * from './result-codes';
export * from './sandbox-endpoint';
export * from './schemas';
export type { FileInfo } from './structures';
