import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { readOcrFields } from '../../../src/console/ocr-fields';

let root: string;
let store: FilesystemStore;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'ocr-fields-'));
  store = new FilesystemStore(root);
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function stored(body: string): Promise<string> {
  const key = 'journeys/ekyc:ocr-test/ocr-json-00000000000000000000000000000000.json';
  await store.put(key, Buffer.from(body), { contentType: 'application/json' });
  return key;
}

describe('the OCR fields a case shows', () => {
  it('flattens nested objects and arrays into named fields, in FaceID order, skipping empty values', async () => {
    const key = await stored(
      JSON.stringify({
        HKIDCard: { FullName: 'SANDBOX TESTER', Birthday: '01-01-1990', Empty: '', Missing: null },
        Warnings: [{ Code: -9103 }, { Code: -9102 }],
        Permanent: true,
      }),
    );
    await expect(readOcrFields(store, key)).resolves.toEqual({
      fields: [
        { name: 'HKIDCard.FullName', value: 'SANDBOX TESTER' },
        { name: 'HKIDCard.Birthday', value: '01-01-1990' },
        { name: 'Warnings[0].Code', value: '-9103' },
        { name: 'Warnings[1].Code', value: '-9102' },
        { name: 'Permanent', value: 'true' },
      ],
      omitted: 0,
    });
  });

  it('does not show embedded blobs, and counts the fields beyond the page', async () => {
    const many = Object.fromEntries(Array.from({ length: 85 }, (_, index) => [`F${index}`, `v${index}`]));
    const key = await stored(JSON.stringify({ Portrait: 'A'.repeat(5_000), ...many }));
    const answer = await readOcrFields(store, key);
    expect(answer).toMatchObject({ omitted: 6 });
    expect('fields' in answer && answer.fields[0]).toEqual({ name: 'Portrait', value: '(5000 characters, not shown)' });
  });

  it('says why when the answer is corrupt, too large or deleted, instead of failing the page', async () => {
    await expect(readOcrFields(store, await stored('{"HKIDCard": '))).resolves.toEqual({ unreadable: 'not JSON' });
    await expect(readOcrFields(store, await stored(`"${'x'.repeat(300 * 1024)}"`))).resolves.toEqual({
      unreadable: 'unreadable',
    });
    await expect(readOcrFields(store, 'journeys/ekyc:ocr-test/ocr-json-gone.json')).resolves.toEqual({
      unreadable: 'deleted',
    });
  });
});
