import type { SourceImport } from './imports';

/** One floor of the house: the rooms on it (folders ending in `/`, or single files) and what it holds, in a line. */
export interface Floor {
  rooms: readonly string[];
  holds: string;
}

/**
 * The floors of `src/`, from the ground up: a file imports only from its own floor or below. A room is a folder (every
 * file under it) or one file; the longest room that holds a file places it. docs/architecture.md shows this table.
 */
export const FLOORS: readonly Floor[] = [
  {
    rooms: ['src/logging/', 'src/webhooks/', 'src/config-error.ts'],
    holds: 'the redacting logger; webhook signatures; the configuration error',
  },
  {
    rooms: ['src/store/', 'src/db/', 'src/egress/'],
    holds: 'the object-store seam; the database (pool, migrations); outbound connections (proxy, trusted CAs)',
  },
  { rooms: ['src/faceid/'], holds: 'the FaceID API layer: client, schemas, code table, document types' },
  {
    rooms: ['src/contracts/', 'src/emulator/'],
    holds: 'names the workflow and the processes share; the FaceID sandbox',
  },
  { rooms: ['src/workflows/'], holds: 'deterministic journey code: stages, plain state, transitions, the decision' },
  {
    rooms: ['src/archive/', 'src/quota/', 'src/codec/', 'src/temporal/'],
    holds: 'the evidence archive and its records; quota-exact dispatch; payload codec; Temporal connection',
  },
  { rooms: ['src/activities/'], holds: 'activity adapters built from injected dependencies' },
  { rooms: ['src/client/', 'src/workers/'], holds: 'the Temporal facade for backends; worker wiring' },
  {
    rooms: ['src/review/', 'src/retention/', 'src/erasure/', 'src/policy/'],
    holds: 'one service per feature: review and its audit log; legal hold and retention; erasure; decision policies',
  },
  { rooms: ['src/evidence/', 'src/index.ts'], holds: "signed evidence bundles; the library's public index" },
  { rooms: ['src/gateway/'], holds: 'the HTTP API, on the services' },
  { rooms: ['src/console/'], holds: 'the reviewer console, on the same services' },
  { rooms: ['src/config/'], holds: 'configuration: one zod schema per process, shared settings' },
  { rooms: ['src/bin/'], holds: 'entry points, one per process' },
];

/** An import allowed to run up a floor, with why. */
export interface AllowedUpImport {
  from: string;
  to: string;
  typeOnly: true;
  why: string;
}

/** The one import allowed up: workflows name their activities' types for `proxyActivities`, never their code. */
const ALLOWED_UP_IMPORTS: readonly AllowedUpImport[] = [
  {
    from: 'src/workflows/',
    to: 'src/activities/',
    typeOnly: true,
    why: "the workflow's activity proxies take the activities' types; the bundle never loads their code",
  },
];

/** The room that holds `file` (the longest), or undefined when no floor names it. */
function roomOf(file: string, floors: readonly Floor[] = FLOORS): string | undefined {
  let best: string | undefined;
  for (const { rooms } of floors)
    for (const room of rooms)
      if ((room === file || (room.endsWith('/') && file.startsWith(room))) && room.length > (best?.length ?? 0))
        best = room;
  return best;
}

/** The floor (1 is the ground) of `file`, or undefined when no floor names it. */
function floorOf(file: string, floors: readonly Floor[] = FLOORS): number | undefined {
  const room = roomOf(file, floors);
  return room === undefined ? undefined : floors.findIndex((floor) => floor.rooms.includes(room)) + 1;
}

/** What the floors check found: files no floor names, and imports running up a floor. */
export interface FloorFindings {
  unplaced: string[];
  upImports: Array<SourceImport & { fromFloor: number; toFloor: number }>;
}

/** Checks every import against the floors: each must stay on its floor or go down, bar the allowed ones. */
export function checkFloors(
  files: readonly string[],
  imports: readonly SourceImport[],
  floors: readonly Floor[] = FLOORS,
  allowed: readonly AllowedUpImport[] = ALLOWED_UP_IMPORTS,
): FloorFindings {
  const unplaced = files.filter((file) => floorOf(file, floors) === undefined);
  const upImports: FloorFindings['upImports'] = [];
  for (const entry of imports) {
    const fromFloor = floorOf(entry.from, floors);
    const toFloor = floorOf(entry.to, floors);
    if (fromFloor === undefined || toFloor === undefined || toFloor <= fromFloor) continue;
    const excused = allowed.some(
      (rule) => entry.from.startsWith(rule.from) && entry.to.startsWith(rule.to) && entry.typeOnly,
    );
    if (!excused) upImports.push({ ...entry, fromFloor, toFloor });
  }
  return { unplaced, upImports };
}
