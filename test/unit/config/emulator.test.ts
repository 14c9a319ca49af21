import { ConfigError } from '../../../src/config-error';
import { emulatorConfig } from '../../../src/config/emulator';
import { SANDBOX_SECRET_ID } from '../../../src/faceid/sandbox-endpoint';

describe('emulator configuration', () => {
  it('stands for the sandbox account on 127.0.0.1:9100 when no FaceID credentials are set', () => {
    const cfg = emulatorConfig({});
    expect(cfg.sandbox).toBe(true);
    expect(cfg.faceid.secretId).toBe(SANDBOX_SECRET_ID);
    expect(cfg.emulator).toMatchObject({ host: '127.0.0.1', port: 9100, tls: undefined });
  });

  it('refuses half a credential pair', () => {
    expect(() => emulatorConfig({ FACEID_SECRET_ID: 'only-the-id' })).toThrow(/FACEID_SECRET_ID \/ FACEID_SECRET_KEY/);
  });

  it('needs both emulator TLS files or neither', () => {
    expect(() => emulatorConfig({ EMULATOR_TLS_CERT_FILE: '/tmp/cert.pem' })).toThrow(ConfigError);
    expect(() => emulatorConfig({ EMULATOR_TLS_CERT_FILE: '/tmp/cert.pem' })).toThrow(
      'EMULATOR_TLS_CERT_FILE / EMULATOR_TLS_KEY_FILE',
    );
    expect(emulatorConfig({}).emulator.tls).toBeUndefined();
  });
});
