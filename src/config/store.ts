import { z } from 'zod';
import { defaultArchiveUrl, parseArchiveUrl } from '../store/store-url';
import { optionalText, parsedAs } from './env';

/** The store variables the gateway and the worker share: the data folder and the store every process reaches. */
export const storeEnv = z.object({
  DATA_DIR: z.string().trim().min(1).default('.data'),
  ARCHIVE_URL: optionalText,
});

/** The object store (`ARCHIVE_URL`, by default a folder under `DATA_DIR`) and the data folder. */
export function storeSettings(e: z.infer<typeof storeEnv>) {
  const url = e.ARCHIVE_URL ?? defaultArchiveUrl(e.DATA_DIR);
  parsedAs('ARCHIVE_URL', () => parseArchiveUrl(url));
  return { url, dataDir: e.DATA_DIR };
}
