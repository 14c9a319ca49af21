import { signWebhook, verifyWebhook } from '../../../src/webhooks/signature';

const body = JSON.stringify({ id: 'ekyc:order-1/completed', type: 'journey.completed', outcome: 'approved' });
const now = Date.UTC(2026, 0, 15, 12, 0, 0);
const t = Math.floor(now / 1000);

describe('verifyWebhook', () => {
  it('accepts a body signed with the secret, within the tolerance', () => {
    const header = signWebhook(body, 'whsec-current-0000000', t - 30);
    expect(verifyWebhook({ header, body, secrets: ['whsec-current-0000000'], toleranceSeconds: 300, now })).toEqual({
      valid: true,
      timestamp: t - 30,
    });
  });

  it('accepts the raw body as a Buffer, byte for byte', () => {
    const header = signWebhook(body, 'whsec-current-0000000', t);
    expect(verifyWebhook({ header, body: Buffer.from(body), secrets: ['whsec-current-0000000'], now }).valid).toBe(
      true,
    );
  });

  it('refuses a tampered body', () => {
    const header = signWebhook(body, 'whsec-current-0000000', t);
    const tampered = body.replace('approved', 'rejected');
    expect(verifyWebhook({ header, body: tampered, secrets: ['whsec-current-0000000'], now })).toEqual({
      valid: false,
      reason: 'signature_mismatch',
    });
  });

  it('refuses a stale timestamp even when the signature is right', () => {
    const header = signWebhook(body, 'whsec-current-0000000', t - 301);
    expect(verifyWebhook({ header, body, secrets: ['whsec-current-0000000'], toleranceSeconds: 300, now })).toEqual({
      valid: false,
      reason: 'stale_timestamp',
    });
  });

  it('refuses a timestamp from the future beyond the tolerance', () => {
    const header = signWebhook(body, 'whsec-current-0000000', t + 600);
    expect(verifyWebhook({ header, body, secrets: ['whsec-current-0000000'], now }).valid).toBe(false);
  });

  it('during a rotation accepts deliveries signed with the old or the new secret, and no other', () => {
    const secrets = ['whsec-new-00000000000', 'whsec-old-00000000000'];
    const byOld = signWebhook(body, 'whsec-old-00000000000', t);
    const byNew = signWebhook(body, 'whsec-new-00000000000', t);
    const byOther = signWebhook(body, 'whsec-other-000000000', t);
    expect(verifyWebhook({ header: byOld, body, secrets, now }).valid).toBe(true);
    expect(verifyWebhook({ header: byNew, body, secrets, now }).valid).toBe(true);
    expect(verifyWebhook({ header: byOther, body, secrets, now })).toEqual({
      valid: false,
      reason: 'signature_mismatch',
    });
    // Once the old secret is retired, its signatures stop counting.
    expect(verifyWebhook({ header: byOld, body, secrets: ['whsec-new-00000000000'], now }).valid).toBe(false);
  });

  it('refuses malformed headers', () => {
    for (const header of [undefined, '', 'v1=abc', `t=${t}`, `t=soon,v1=${'0'.repeat(64)}`, `t=${t},v1=xyz`]) {
      expect(verifyWebhook({ header, body, secrets: ['whsec-current-0000000'], now })).toEqual({
        valid: false,
        reason: 'malformed_header',
      });
    }
  });

  it('refuses everything when no secret is configured', () => {
    const header = signWebhook(body, '', t);
    expect(verifyWebhook({ header, body, secrets: [], now })).toEqual({ valid: false, reason: 'no_secrets' });
  });
});

describe('signWebhook', () => {
  it('signs "<t>.<raw body>" with HMAC-SHA256 in hex', () => {
    // Computed independently: printf '1700000000.{}' | openssl dgst -sha256 -hmac secret
    expect(signWebhook('{}', 'secret', 1_700_000_000)).toBe(
      't=1700000000,v1=b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163',
    );
  });
});
