import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const read = (file: string): unknown => JSON.parse(readFileSync(join(root, file), 'utf8'));

interface LockPackage {
  version?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  engines?: Record<string, string>;
}

/**
 * `npm install` rewrites a lock file that no longer matches package.json, and CI then tests something nobody
 * committed: the lock's root entry must mirror package.json, and every direct dependency must be locked.
 */
describe('package-lock.json', () => {
  const manifest = read('package.json') as LockPackage & { name: string; version: string };
  const lock = read('package-lock.json') as { lockfileVersion: number; packages: Record<string, LockPackage> };
  const rootEntry = lock.packages[''] ?? {};

  it('records the dependencies package.json declares, as declared', () => {
    expect(lock.lockfileVersion).toBe(3);
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'engines'] as const) {
      expect({ [field]: rootEntry[field] ?? {} }).toEqual({ [field]: manifest[field] ?? {} });
    }
  });

  it('locks a version of every direct dependency', () => {
    const direct = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
    const unlocked = direct.filter((name) => !lock.packages[`node_modules/${name}`]?.version);
    expect(unlocked).toEqual([]);
  });
});
