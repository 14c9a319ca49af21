import { join } from 'node:path';
import { ArchiveUrlError, defaultArchiveUrl, parseArchiveUrl } from '../../../src/store/store-url';
import { FilesystemStore } from '../../../src/store/filesystem-store';
import { openArchiveStore } from '../../../src/store/open-store';
import { S3Store } from '../../../src/store/s3-store';

describe('parseArchiveUrl', () => {
  it('reads absolute and relative file:// paths (relative to the working directory)', () => {
    expect(parseArchiveUrl('file:///var/lib/ekyc/archive', '/srv')).toEqual({
      kind: 'file',
      root: '/var/lib/ekyc/archive',
    });
    expect(parseArchiveUrl('file://.data/archive', '/srv')).toEqual({ kind: 'file', root: '/srv/.data/archive' });
    expect(parseArchiveUrl(defaultArchiveUrl('.data'), '/srv')).toEqual({ kind: 'file', root: '/srv/.data/archive' });
  });

  it('reads an s3:// URL with bucket, prefix, endpoint, region and path style', () => {
    expect(
      parseArchiveUrl(
        's3://ekyc-evidence/prod/journeys-archive/?endpoint=http://127.0.0.1:9000&region=us-east-1&forcePathStyle=true',
      ),
    ).toEqual({
      kind: 's3',
      bucket: 'ekyc-evidence',
      prefix: 'prod/journeys-archive/',
      endpoint: 'http://127.0.0.1:9000',
      region: 'us-east-1',
      forcePathStyle: true,
    });
    expect(
      parseArchiveUrl('s3://ekyc-1250000000?endpoint=https://cos.ap-singapore.myqcloud.com&region=ap-singapore'),
    ).toEqual({
      kind: 's3',
      bucket: 'ekyc-1250000000',
      prefix: '',
      endpoint: 'https://cos.ap-singapore.myqcloud.com',
      region: 'ap-singapore',
      forcePathStyle: false,
    });
  });

  it.each([
    ['s3://AKID:secret@bucket/prefix', /credentials/],
    ['s3://bucket?endpoint=http://AKID:secret@127.0.0.1:9000', /credentials/],
    ['s3://bucket?acl=public-read', /unknown parameter/],
    ['s3://B_ad?region=x', /bucket/],
    ['s3://bucket?endpoint=ftp://x', /http/],
    ['s3://bucket?forcePathStyle=yes', /forcePathStyle/],
    ['https://bucket.s3.amazonaws.com', /file:\/\/ or s3:\/\//],
    ['file://', /path/],
  ])('refuses %s without repeating it', (url, reason) => {
    expect(() => parseArchiveUrl(url)).toThrow(ArchiveUrlError);
    expect(() => parseArchiveUrl(url)).toThrow(reason);
    try {
      parseArchiveUrl(url);
    } catch (error) {
      expect((error as Error).message).not.toContain('secret');
    }
  });
});

describe('openArchiveStore', () => {
  it('opens the filesystem store under the data directory by default', () => {
    expect(openArchiveStore(undefined, '/tmp/ekyc-data')).toBeInstanceOf(FilesystemStore);
    expect(openArchiveStore(`file://${join('/tmp', 'elsewhere')}`, '/tmp/ekyc-data')).toBeInstanceOf(FilesystemStore);
  });

  it('opens an S3 store and refuses half an access key pair', async () => {
    const store = openArchiveStore('s3://bucket?endpoint=http://127.0.0.1:9&region=us-east-1', '.data', {
      ARCHIVE_ACCESS_KEY_ID: 'id',
      ARCHIVE_SECRET_ACCESS_KEY: 'secret',
    });
    expect(store).toBeInstanceOf(S3Store);
    await store.close?.();
    expect(() => openArchiveStore('s3://bucket', '.data', { ARCHIVE_ACCESS_KEY_ID: 'id' })).toThrow(
      /ARCHIVE_ACCESS_KEY_ID and ARCHIVE_SECRET_ACCESS_KEY/,
    );
  });
});
