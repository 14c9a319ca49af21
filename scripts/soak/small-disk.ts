import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A small filesystem of its own for the archive, which the soak can fill to the last byte and free again. */
export interface SmallDisk {
  path: string;
  /** Writes a ballast file until the filesystem refuses with ENOSPC: every write after it fails as on a full disk. */
  fill(): Promise<void>;
  /** Removes the ballast. */
  free(): Promise<void>;
  /** Frees, unmounts and removes the mount point. */
  release(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024);

/**
 * Mounts a tmpfs of `sizeMiB` on a fresh folder (needs root, or CAP_SYS_ADMIN in a container). Answers why not when the
 * machine does not allow it, so the caller can say so instead of pretending the fault ran.
 */
export async function mountSmallDisk(sizeMiB: number): Promise<SmallDisk | { unavailable: string }> {
  const path = mkdtempSync(join(tmpdir(), 'ekyc-soak-disk-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m,mode=0755`, 'ekyc-soak', path]);
  } catch (error) {
    rmSync(path, { recursive: true, force: true });
    const message = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    return { unavailable: `cannot mount a small filesystem here (${message})` };
  }
  const ballast = join(path, 'ballast');
  const free = () => rm(ballast, { force: true });
  // An interrupted run must not leave the mount behind (a lazy unmount works while files are still open).
  const unmountOnExit = () => {
    try {
      execFileSync('umount', ['-l', path]);
      rmSync(path, { recursive: true, force: true });
    } catch {
      // already gone
    }
  };
  process.once('exit', unmountOnExit);
  return {
    path,
    fill: async () => {
      // Reserve the free space in one call, then write what is left (a page or two) until the filesystem refuses.
      const { bavail, bsize } = await statfs(path);
      await run('fallocate', ['-l', String(bavail * bsize), ballast]).catch(() => undefined);
      const file = await open(ballast, 'a');
      try {
        for (;;) await file.write(CHUNK);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        await file.close().catch(() => undefined);
      }
    },
    free,
    release: async () => {
      process.off('exit', unmountOnExit);
      await free();
      await run('umount', [path]).catch(() => run('umount', ['-l', path]));
      rmSync(path, { recursive: true, force: true });
    },
  };
}
