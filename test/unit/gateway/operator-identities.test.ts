import { createHash } from 'node:crypto';
import { ConfigError } from '../../../src/config-error';
import { gatewayConfig } from '../../../src/config/gateway';
import {
  derivedOperatorId,
  OperatorKeyError,
  operatorOfKey,
  parseOperatorKey,
} from '../../../src/gateway/operator-identities';

describe('operator identities', () => {
  it('splits an entry at its first colon: the identity, then the key (which may hold colons)', () => {
    expect(parseOperatorKey('op-a:key-of-op-a-0000001')).toEqual({ id: 'op-a', key: 'key-of-op-a-0000001' });
    expect(parseOperatorKey('op-b:key:with:colons:000')).toEqual({ id: 'op-b', key: 'key:with:colons:000' });
  });

  it('gives a bare key an identity from its hash that reveals nothing of the key', () => {
    const key = 'a-bare-operator-key-00001';
    const hash = createHash('sha256').update(key).digest('hex');
    expect(parseOperatorKey(key)).toEqual({ id: `key-${hash.slice(0, 12)}`, key });
    expect(derivedOperatorId(key)).toMatch(/^key-[0-9a-f]{12}$/);
    expect(derivedOperatorId(key)).not.toContain(key.slice(0, 4));
  });

  it('refuses an identity outside the key-id pattern and a short key, without quoting the entry', () => {
    for (const entry of ['Jane Doe:key-of-jane-000000001', ':key-with-no-identity-01', 'op-a:short']) {
      expect(() => parseOperatorKey(entry)).toThrow(OperatorKeyError);
      try {
        parseOperatorKey(entry);
      } catch (error) {
        expect((error as Error).message).not.toContain(entry.split(':')[1] ?? entry);
      }
    }
  });

  it('answers the identity of the key a request carries, or undefined', () => {
    const keys = [
      { id: 'op-a', key: 'key-of-op-a-0000001' },
      { id: 'op-b', key: 'key-of-op-b-0000001' },
    ];
    expect(operatorOfKey(keys, 'key-of-op-b-0000001')).toBe('op-b');
    expect(operatorOfKey(keys, 'key-of-op-c-0000001')).toBeUndefined();
  });

  it('the published sandbox key acts as sandbox-operator', () => {
    expect(gatewayConfig({}).gateway.operatorKeys).toEqual([{ id: 'sandbox-operator', key: 'sandbox-operator-key' }]);
  });

  it('GATEWAY_OPERATOR_KEYS takes id:key pairs and bare keys; a malformed entry names the variable only', () => {
    const keys = gatewayConfig({ GATEWAY_OPERATOR_KEYS: 'op-a:key-of-op-a-0000001, key-of-nobody-000001' }).gateway
      .operatorKeys;
    expect(keys).toEqual([
      { id: 'op-a', key: 'key-of-op-a-0000001' },
      { id: derivedOperatorId('key-of-nobody-000001'), key: 'key-of-nobody-000001' },
    ]);
    expect(() => gatewayConfig({ GATEWAY_OPERATOR_KEYS: 'op a:key-of-op-a-0000001' })).toThrow(ConfigError);
    expect(() => gatewayConfig({ GATEWAY_OPERATOR_KEYS: 'op a:key-of-op-a-0000001' })).toThrow(/GATEWAY_OPERATOR_KEYS/);
    expect(() => gatewayConfig({ GATEWAY_OPERATOR_KEYS: 'op a:key-of-op-a-0000001' })).not.toThrow(/key-of-op-a/);
  });
});
