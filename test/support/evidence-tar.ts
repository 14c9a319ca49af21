import { extract, pack } from 'tar-stream';

/** One file of a tar as read back whole (test bundles are small). */
export interface TarFile {
  name: string;
  data: Buffer;
}

/** Every file of a tar, in order. */
export async function tarFiles(tar: Buffer): Promise<TarFile[]> {
  const reader = extract();
  const files: TarFile[] = [];
  const reading = (async () => {
    for await (const entry of reader) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
      files.push({ name: entry.header.name, data: Buffer.concat(chunks) });
    }
  })();
  reader.end(tar);
  await reading;
  return files;
}

/** A tar of `files`, in order. */
export async function packFiles(files: TarFile[]): Promise<Buffer> {
  const writer = pack();
  const chunks: Buffer[] = [];
  const collecting = (async () => {
    for await (const chunk of writer as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  })();
  for (const file of files) writer.entry({ name: file.name, size: file.data.length }, file.data);
  writer.finalize();
  await collecting;
  return Buffer.concat(chunks);
}

/** The same tar with one byte of one file changed (its middle byte, flipped), every other byte as it was. */
export async function withOneByteChanged(tar: Buffer, name: string): Promise<Buffer> {
  const files = await tarFiles(tar);
  const file = files.find((candidate) => candidate.name === name);
  if (!file || file.data.length === 0) throw new Error(`no non-empty ${name} in the tar`);
  const data = Buffer.from(file.data);
  const at = Math.floor(data.length / 2);
  data[at] = (data[at] as number) ^ 0x01;
  return packFiles(files.map((candidate) => (candidate === file ? { name, data } : candidate)));
}

/** A buffer in small chunks, as a file or a socket delivers it. */
export function* chunksOf(bytes: Buffer, size = 1000): Generator<Buffer> {
  for (let start = 0; start < bytes.length; start += size) yield bytes.subarray(start, start + size);
}
