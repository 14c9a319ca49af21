import type { MediaKind } from '../workflows/types';

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'video/mp4': 'mp4',
  'application/json': 'json',
  'application/octet-stream': 'bin',
};

/** File extension for a content type (`bin` when unknown). */
function extensionFor(contentType: string): string {
  return EXTENSIONS[contentType.split(';')[0]?.trim() ?? ''] ?? 'bin';
}

/** Folder of one journey's objects. */
export function journeyPrefix(journeyId: string): string {
  if (!/^[A-Za-z0-9._:-]{1,200}$/.test(journeyId))
    throw new Error('journey id has characters an archive key cannot hold');
  return `journeys/${journeyId}/`;
}

/**
 * Key of one media object: `journeys/<journey id>/<kind>-<md5>.<ext>`. Content-addressed, so a retry after a crash
 * rewrites the same object instead of adding a second one.
 */
export function mediaKey(journeyId: string, kind: MediaKind, md5: string, contentType: string): string {
  return `${journeyPrefix(journeyId)}${kind}-${md5}.${extensionFor(contentType)}`;
}

/** Folder of every input image stored for a reference: the journey of that reference owns it, purged with it. */
export const INPUTS_PREFIX = 'inputs/';

/** Folder of the input images stored for one reference. */
export function inputPrefix(reference: string): string {
  return `${INPUTS_PREFIX}${reference}/`;
}

/** Key of an input image a caller stores before starting a journey. */
export function inputKey(reference: string, name: string, md5: string, contentType: string): string {
  return `${inputPrefix(reference)}${name}-${md5}.${extensionFor(contentType)}`;
}

/** The backend's reference of a journey id (`ekyc:<reference>`), or undefined for an id of another shape. */
export function referenceOfJourney(journeyId: string): string | undefined {
  return journeyId.startsWith('ekyc:') ? journeyId.slice('ekyc:'.length) : undefined;
}

/** Key of the short-lived file that holds a result's temporary media URLs until they are archived. */
export function mediaClaimKey(journeyId: string, requestId: string): string {
  return `${journeyPrefix(journeyId)}claims/media-${requestId.replace(/[^A-Za-z0-9-]/g, '')}.json`;
}

/** Key of a journey's manifest: what was archived, when, and what retention deleted. */
export function manifestKey(journeyId: string): string {
  return `${journeyPrefix(journeyId)}manifest.json`;
}
