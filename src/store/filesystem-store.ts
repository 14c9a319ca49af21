import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { link, mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  ArchiveObjectMissingError,
  type ObjectStore,
  type PutExpectations,
  type StoredObject,
  type VersionedObject,
} from './object-store';
import { IntegrityMeter } from './integrity-meter';

/** A lock file older than this was left by a process that crashed mid-write (a write under it takes milliseconds). */
const STALE_LOCK_MS = 30_000;
/** How long a conditional write waits for another process's lock before it fails. */
const LOCK_WAIT_MS = 10_000;

/**
 * The default store: files under a root folder. Writes go to a temporary file that is fsynced and renamed into
 * place, so a crash mid-write never leaves a partial object; metadata sits beside the object in `<key>.meta.json`.
 */
export class FilesystemStore implements ObjectStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: Readable | Buffer, expect: PutExpectations): Promise<StoredObject> {
    // A body that fails while the folder is being made must not crash the process; pipeline reports the failure.
    if (!Buffer.isBuffer(body)) body.on('error', () => undefined);
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const attempt = randomUUID();
    const temporary = `${target}.${attempt}.partial`;
    const metaTemporary = `${target}.${attempt}.meta.partial`;
    const meter = new IntegrityMeter({ size: expect.size, md5: expect.md5?.toLowerCase() });
    // A 512 KiB write buffer: chunks that arrive while a write is in flight go out together in one writev, so
    // receiving and writing overlap instead of taking turns per 64 KiB chunk.
    const file = createWriteStream(temporary, { highWaterMark: 512 * 1024 });
    try {
      await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, meter, file);
      const md5 = meter.md5();
      const size = meter.bytes;
      await fsync(temporary);
      const stored: StoredObject = { key, md5, size, contentType: expect.contentType };
      // Metadata first (renamed into place too), object last: a reader who sees the object sees its metadata. A
      // crash that loses unsynced metadata only makes `head` answer "absent", which costs a re-download, not data.
      await writeFile(metaTemporary, JSON.stringify(stored));
      const previousMeta = await readFile(`${target}.meta.json`).catch(() => undefined);
      await rename(metaTemporary, `${target}.meta.json`);
      try {
        await rename(temporary, target);
      } catch (error) {
        // The object did not land: its metadata must not describe whatever is (or is not) there.
        await settle(
          previousMeta === undefined
            ? rm(`${target}.meta.json`, { force: true })
            : writeFile(`${target}.meta.json`, previousMeta),
        );
        throw error;
      }
      await fsync(dirname(target));
      return stored;
    } catch (error) {
      // A source that fails at once can beat the file's own open: wait until it is closed, or the removal below
      // would run before the file exists and leave an empty `.partial` behind.
      if (!file.closed) await new Promise<void>((closed) => file.once('close', () => closed()));
      // The caller needs the write's own failure; a removal that fails too leaves a `.partial`, which start-up and
      // retention remove (`removeLeftovers`).
      await settle(rm(temporary, { force: true }), rm(metaTemporary, { force: true }));
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    if (!(await exists(path))) throw new ArchiveObjectMissingError(`no object at ${key}`);
    return createReadStream(path);
  }

  async head(key: string): Promise<StoredObject | undefined> {
    const path = this.pathOf(key);
    if (!(await exists(path))) return undefined;
    try {
      const stored = JSON.parse(await readFile(`${path}.meta.json`, 'utf8')) as StoredObject;
      return { ...stored, modifiedAtMs: (await stat(path)).mtimeMs };
    } catch {
      return undefined;
    }
  }

  async readVersioned(key: string): Promise<VersionedObject | undefined> {
    const body = await readFile(this.pathOf(key)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    return body === undefined ? undefined : { body, version: versionOf(body) };
  }

  async putIfVersion(key: string, body: Buffer, contentType: string, version: string | undefined): Promise<boolean> {
    if (version === undefined) return this.create(key, body, contentType);
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    // Processes on one machine share the folder: an exclusive lock file beside the object makes check-and-write one
    // step for all of them (rename alone is atomic, but cannot compare first).
    const release = await lockFile(`${path}.lock`);
    try {
      const current = await this.readVersioned(key);
      if (current?.version !== version) return false;
      await this.put(key, body, { contentType });
      return true;
    } finally {
      await release();
    }
  }

  /**
   * A create-only write without the lock: the object is written and synced under a temporary name, then hard-linked
   * into place, which the file system refuses (`EEXIST`) when the name is taken, atomically for every process. The
   * common case of {@link putIfVersion} (audit entries, sessions, data keys) thus costs no lock file and no read.
   */
  private async create(key: string, body: Buffer, contentType: string): Promise<boolean> {
    const target = this.pathOf(key);
    await mkdir(dirname(target), { recursive: true });
    const attempt = randomUUID();
    const temporary = `${target}.${attempt}.partial`;
    const metaTemporary = `${target}.${attempt}.meta.partial`;
    try {
      const file = await open(temporary, 'wx');
      try {
        await file.writeFile(body);
        await file.sync();
      } finally {
        await file.close();
      }
      const stored: StoredObject = { key, md5: versionOf(body), size: body.length, contentType };
      await writeFile(metaTemporary, JSON.stringify(stored));
      try {
        await link(temporary, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      }
      // Only the writer whose link landed describes the object; a reader meanwhile sees it without metadata, which
      // `head` answers as absent and `readVersioned` does not need.
      await rename(metaTemporary, `${target}.meta.json`);
      await fsync(dirname(target));
      return true;
    } finally {
      await settle(rm(temporary, { force: true }), rm(metaTemporary, { force: true }));
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    await rm(path, { force: true });
    await rm(`${path}.meta.json`, { force: true });
  }

  async list(prefix: string): Promise<string[]> {
    const folder = this.pathOf(prefix.endsWith('/') ? prefix : dirname(prefix));
    const keys: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (!/\.(meta\.json|partial|lock)$/.test(entry.name)) {
          const key = relative(this.root, full).split(sep).join('/');
          if (key.startsWith(prefix)) keys.push(key);
        }
      }
    };
    await walk(folder);
    return keys.sort();
  }

  async removeLeftovers(prefix: string, olderThanMs: number): Promise<number> {
    const folder = this.pathOf(prefix.endsWith('/') || prefix === '' ? prefix : dirname(prefix));
    let removed = 0;
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const entry of entries) if (entry.isDirectory()) await walk(join(dir, entry.name));
      removed += await removePartials(dir, olderThanMs, (name) =>
        relative(this.root, join(dir, name)).split(sep).join('/').startsWith(prefix),
      );
    };
    await walk(folder);
    return removed;
  }

  /** Resolves a key inside the root; a key that would escape it (`..`, absolute) is refused. */
  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (path !== this.root && !path.startsWith(this.root + sep)) throw new Error('archive key escapes the store root');
    return path;
  }
}

/** Removes the `.partial` files in `dir` that `include` accepts and that are older than `olderThanMs`. */
async function removePartials(dir: string, olderThanMs: number, include: (name: string) => boolean): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    if (!name.endsWith('.partial') || !include(name)) continue;
    const path = join(dir, name);
    const modified = await stat(path).then(
      (stats) => stats.mtimeMs,
      () => undefined,
    );
    if (modified === undefined || Date.now() - modified < olderThanMs) continue;
    await rm(path, { force: true });
    removed += 1;
  }
  return removed;
}

/** The version of a filesystem object: its content's MD5 (two writes of the same bytes are the same version). */
function versionOf(body: Buffer): string {
  return createHash('md5').update(body).digest('hex');
}

/** Takes an exclusive lock file, waiting for its holder; returns the release. */
async function lockFile(lock: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const handle = await open(lock, 'wx');
      await handle.close();
      return () => unlink(lock).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const age = await stat(lock).then(
      (info) => Date.now() - info.mtimeMs,
      () => 0,
    );
    // A holder that crashed never releases: its lock goes once it is far older than any write.
    if (age > STALE_LOCK_MS) await unlink(lock).catch(() => undefined);
    else if (Date.now() > deadline) throw new Error('archive object is locked by another writer for too long');
    else await sleep(Math.min(2 ** attempt, 20) + Math.random() * 5);
  }
}

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}

/** Waits for clean-up steps whose own failure must not replace the error being handled. */
async function settle(...steps: Promise<unknown>[]): Promise<void> {
  await Promise.allSettled(steps);
}
