import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveCredentials } from '../../src/config/credentials';
import { parseSettings, SettingsError } from '../../src/config/settings';

describe('settings', () => {
  it('applies the documented defaults', () => {
    const settings = parseSettings({});
    expect(settings.PORT).toBe(3000);
    expect(settings.TEMPORAL_NAMESPACE).toBe('default');
    expect(settings.TETHER_DATA_DIR).toBe('./.tether');
    expect(settings.TEMPORAL_DEV_PORT).toBe(7233);
    expect(settings.TEMPORAL_UI_PORT).toBe(8233);
    expect(settings.TETHER_STARTUP_RETRY_SECONDS).toBe(60);
    expect(settings.TETHER_RECONNECT_WINDOW_SECONDS).toBe(86_400);
  });

  it('names the setting and the reason for a bad value', () => {
    expect(() => parseSettings({ PORT: 'eighty' })).toThrow(SettingsError);
    expect(() => parseSettings({ PORT: 'eighty' })).toThrow('Invalid setting PORT: expected a port number (0-65535)');
    expect(() => parseSettings({ TETHER_RECONNECT_WINDOW_SECONDS: 'a day' })).toThrow('Invalid setting TETHER_RECONNECT_WINDOW_SECONDS: expected a number of seconds');
    expect(() => parseSettings({ PORT: '70000' })).toThrow(/Invalid setting PORT: .*65535/);
    expect(() => parseSettings({ TETHER_ADMIN_TOKEN: 'short' })).toThrow('Invalid setting TETHER_ADMIN_TOKEN: must be at least 16 characters');
    expect(() => parseSettings({ TETHER_PLATFORM_URL: 'not a url' })).toThrow(/^Invalid setting TETHER_PLATFORM_URL/);
  });

  it('refuses credentials in URLs that are repeated in clear (workflow ids, links), and schemes that cannot work', () => {
    const platform = { TETHER_CONNECTOR_ID: 'plant-7', TETHER_CONNECTOR_SECRET: 'secret-0123456789' };
    // The link's workflow id is `platform-connection/{queue}/{id}@{url}`: Temporal lists it unencrypted.
    expect(() => parseSettings({ ...platform, TETHER_PLATFORM_URL: 'wss://proxy:hunter2@hub.example/connect' })).toThrow(
      /^Invalid setting TETHER_PLATFORM_URL: must not contain credentials \(user:password@\)/,
    );
    expect(() => parseSettings({ ...platform, TETHER_PLATFORM_URL: 'file:///etc/passwd' })).toThrow("Invalid setting TETHER_PLATFORM_URL: expected a ws:// or wss:// URL (the hub's /connect)");
    expect(parseSettings({ ...platform, TETHER_PLATFORM_URL: 'wss://hub.example/connect' }).TETHER_PLATFORM_URL).toBe('wss://hub.example/connect');
    // The hub runs whatever it relays: in production the link must be TLS (loopback excepted, for a TLS sidecar).
    expect(() => parseSettings({ ...platform, NODE_ENV: 'production', TETHER_PLATFORM_URL: 'ws://hub.example/connect' })).toThrow(
      'Invalid setting TETHER_PLATFORM_URL: must be wss:// when NODE_ENV=production',
    );
    expect(parseSettings({ ...platform, NODE_ENV: 'production', TETHER_PLATFORM_URL: 'ws://127.0.0.1:4000/connect' }).TETHER_PLATFORM_URL).toBe('ws://127.0.0.1:4000/connect');
    expect(parseSettings({ ...platform, NODE_ENV: 'production', TETHER_PLATFORM_URL: 'wss://hub.example/connect' }).NODE_ENV).toBe('production');
    for (const key of ['TETHER_PUBLIC_URL', 'TEMPORAL_UI_URL']) {
      expect(() => parseSettings({ [key]: 'https://admin:pw@tether.example' })).toThrow(`Invalid setting ${key}: must not contain credentials`);
      expect(() => parseSettings({ [key]: 'javascript:alert(1)' })).toThrow(`Invalid setting ${key}: expected an http(s) URL`);
    }
  });

  it('reports every bad setting in one error, one line each, naming the rule', () => {
    const attempt = () => parseSettings({ TETHER_ADMIN_TOKEN: 'short', TETHER_SPI_USER: 'catalog', TETHER_SPI_PASSWORD: 'pw', TETHER_SPI_TOKEN: 'tiny', PORT: 'eighty', TETHER_CONNECTOR_ID: 'c1' });
    expect(attempt).toThrow(SettingsError);
    const lines = (() => {
      try {
        attempt();
      } catch (err) {
        return (err as Error).message.split('\n');
      }
      return [];
    })();
    expect(lines).toEqual([
      'Invalid setting PORT: expected a port number (0-65535)',
      'Invalid setting TETHER_ADMIN_TOKEN: must be at least 16 characters',
      'Invalid setting TETHER_SPI_PASSWORD: must be at least 8 characters',
      'Invalid setting TETHER_SPI_TOKEN: must be at least 16 characters',
      'Invalid setting TETHER_PLATFORM_URL: required when TETHER_CONNECTOR_ID is set',
      'Invalid setting TETHER_CONNECTOR_SECRET: required when TETHER_CONNECTOR_ID is set',
    ]);
  });

  it('bounds slow clients, headers within the whole request', () => {
    expect(parseSettings({})).toMatchObject({ TETHER_HTTP_HEADERS_TIMEOUT_MS: 10_000, TETHER_HTTP_REQUEST_TIMEOUT_MS: 30_000, TETHER_HTTP_KEEP_ALIVE_TIMEOUT_MS: 65_000 });
    expect(() => parseSettings({ TETHER_HTTP_HEADERS_TIMEOUT_MS: '20000', TETHER_HTTP_REQUEST_TIMEOUT_MS: '15000' })).toThrow(
      'Invalid setting TETHER_HTTP_HEADERS_TIMEOUT_MS: must not exceed TETHER_HTTP_REQUEST_TIMEOUT_MS',
    );
  });

  it('refuses half a credential pair', () => {
    expect(() => parseSettings({ TETHER_SPI_USER: 'catalog' })).toThrow('Invalid setting TETHER_SPI_PASSWORD: TETHER_SPI_USER and TETHER_SPI_PASSWORD go together');
    expect(() => parseSettings({ TETHER_PLATFORM_URL: 'ws://hub:4000', TETHER_CONNECTOR_ID: 'c1' })).toThrow(
      'Invalid setting TETHER_CONNECTOR_SECRET: required when TETHER_PLATFORM_URL, TETHER_CONNECTOR_ID is set',
    );
  });

  it('bounds the worker workflow cache size', () => {
    expect(parseSettings({}).TETHER_WORKER_MAX_CACHED_WORKFLOWS).toBe(1000);
    expect(parseSettings({ TETHER_WORKER_MAX_CACHED_WORKFLOWS: '0' }).TETHER_WORKER_MAX_CACHED_WORKFLOWS).toBe(0);
    for (const bad of ['many', '-1', '2.5', '2000000']) {
      expect(() => parseSettings({ TETHER_WORKER_MAX_CACHED_WORKFLOWS: bad })).toThrow('Invalid setting TETHER_WORKER_MAX_CACHED_WORKFLOWS: expected a number of workflows (0-1000000)');
    }
  });

  it('treats an empty variable as unset', () => {
    expect(parseSettings({ PORT: '' }).PORT).toBe(3000);
  });
});

describe('credentials', () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), 'tether-cred-'));

  it('refuses a production start without credentials, naming them', () => {
    const settings = parseSettings({ NODE_ENV: 'production', TETHER_DATA_DIR: dataDir() });
    expect(() => resolveCredentials(settings)).toThrow('Invalid setting TETHER_ADMIN_TOKEN: required when NODE_ENV=production');
    expect(() => resolveCredentials(settings)).toThrow(
      'Invalid setting TETHER_ADMIN_TOKEN: required when NODE_ENV=production\nInvalid setting TETHER_SPI_USER/TETHER_SPI_PASSWORD or TETHER_SPI_TOKEN: required when NODE_ENV=production',
    );
    const withAdmin = parseSettings({ NODE_ENV: 'production', TETHER_DATA_DIR: dataDir(), TETHER_ADMIN_TOKEN: 'a'.repeat(20) });
    expect(() => resolveCredentials(withAdmin)).toThrow(/TETHER_SPI_USER\/TETHER_SPI_PASSWORD or TETHER_SPI_TOKEN: required/);
  });

  it('generates credentials once in development and keeps them across restarts', () => {
    const settings = parseSettings({ TETHER_DATA_DIR: dataDir() });
    const first = resolveCredentials(settings);
    expect(first.generatedFile).toBeDefined();
    expect(first.credentials.adminToken.length).toBeGreaterThanOrEqual(24);
    const second = resolveCredentials(settings);
    expect(second.generatedFile).toBeUndefined();
    expect(second.credentials).toEqual(first.credentials);
  });

  it('prefers credentials from the environment', () => {
    const settings = parseSettings({ TETHER_DATA_DIR: dataDir(), TETHER_ADMIN_TOKEN: 'x'.repeat(20), TETHER_SPI_TOKEN: 'y'.repeat(20) });
    const { credentials, generatedFile } = resolveCredentials(settings);
    expect(generatedFile).toBeUndefined();
    expect(credentials).toMatchObject({ adminToken: 'x'.repeat(20), spiToken: 'y'.repeat(20) });
    expect(credentials.spiUser).toBeUndefined();
  });
});
