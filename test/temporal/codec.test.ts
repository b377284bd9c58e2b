import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type FailureConverter, type Payload } from '@temporalio/common';
import { parseSettings, SettingsError } from '../../src/config/settings';
import {
  AesGcmPayloadCodec,
  CodecKeyNotFoundError,
  createDataConverter,
  deriveKeyId,
  parseKeyRing,
  PayloadDecryptionError,
  resolveCodecKeyRing,
} from '../../src/temporal/codec';

const newKey = () => randomBytes(32).toString('base64');
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const secret = { card: '4111 1111 1111 1111', owner: 'Ada' };

describe('parseKeyRing', () => {
  it('reads a plain base64 key with a stable derived id', () => {
    const key = newKey();
    const ring = parseKeyRing(key);
    expect(ring.active.id).toBe(deriveKeyId(Buffer.from(key, 'base64')));
    expect(ring.active.id).toMatch(/^key-[0-9a-f]{12}$/);
    expect(parseKeyRing(key).active.id).toBe(ring.active.id);
  });

  it('reads several named keys, the first one active', () => {
    const ring = parseKeyRing(`new:${newKey()}, old:${newKey()}`);
    expect(ring.active.id).toBe('new');
    expect([...ring.keys.keys()]).toEqual(['new', 'old']);
  });

  it('names the setting and the entry, never the key, when a key is not base64 of 32 bytes', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => parseKeyRing(`a:${newKey()},b:${short}`)).toThrow(SettingsError);
    expect(() => parseKeyRing(`a:${newKey()},b:${short}`)).toThrow(
      'Invalid setting TETHER_CODEC_KEY: key "b" is not base64 of 32 bytes (it decodes to 16 bytes); create one with: openssl rand -base64 32',
    );
    expect(() => parseKeyRing('not a key!')).toThrow(
      'Invalid setting TETHER_CODEC_KEY: key #1 is not base64 of 32 bytes (it has characters outside base64); create one with: openssl rand -base64 32',
    );
    let message = '';
    try {
      parseKeyRing(`only:${short}`);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).not.toContain(short);
    expect(() => parseKeyRing(`a:${newKey()},a:${newKey()}`)).toThrow('Invalid setting TETHER_CODEC_KEY: key id "a" appears twice');
    expect(() => parseKeyRing(' , ')).toThrow('Invalid setting TETHER_CODEC_KEY: holds no key');
  });
});

describe('AesGcmPayloadCodec', () => {
  const ring = parseKeyRing(`k1:${newKey()}`);
  const codec = new AesGcmPayloadCodec(ring);

  it('round-trips payloads and leaves no clear text, only the key id, at rest', async () => {
    const original = defaultPayloadConverter.toPayload(secret);
    const [encoded] = await codec.encode([original]);
    expect(text(encoded!.metadata!.encoding)).toBe('binary/encrypted');
    expect(text(encoded!.metadata!['encryption-key-id'])).toBe('k1');
    expect(Object.keys(encoded!.metadata!)).toEqual(['encoding', 'encryption-key-id']);
    expect(text(encoded!.data)).not.toContain('4111');
    expect(text(encoded!.data)).not.toContain('json/plain');
    const [decoded] = await codec.decode([encoded!]);
    expect(text(decoded!.metadata!.encoding)).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(secret);
  });

  it('uses a fresh IV per payload and passes unencrypted payloads through decode', async () => {
    const original = defaultPayloadConverter.toPayload(secret);
    const [a, b] = await codec.encode([original, original]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    const [plain] = await codec.decode([original]);
    expect(plain).toBe(original);
  });

  it('still decrypts with a rotated-out key and encrypts with the new active one', async () => {
    const oldKey = newKey();
    const before = new AesGcmPayloadCodec(parseKeyRing(`old:${oldKey}`));
    const [sealedBefore] = await before.encode([defaultPayloadConverter.toPayload(secret)]);
    const rotated = new AesGcmPayloadCodec(parseKeyRing(`new:${newKey()},old:${oldKey}`));
    const [opened] = await rotated.decode([sealedBefore!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(secret);
    const [sealedAfter] = await rotated.encode([opened!]);
    expect(text(sealedAfter!.metadata!['encryption-key-id'])).toBe('new');
  });

  it('fails clearly when the key id is unknown or the key under that id is wrong', async () => {
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(secret)]);
    const other = new AesGcmPayloadCodec(parseKeyRing(`k2:${newKey()}`));
    await expect(other.decode([sealed!])).rejects.toThrow(CodecKeyNotFoundError);
    await expect(other.decode([sealed!])).rejects.toThrow(
      'Payload was encrypted with key "k1", which TETHER_CODEC_KEY does not hold (it holds: k2)',
    );
    const sameIdWrongKey = new AesGcmPayloadCodec(parseKeyRing(`k1:${newKey()}`));
    await expect(sameIdWrongKey.decode([sealed!])).rejects.toThrow(
      new PayloadDecryptionError('Payload encrypted with key "k1" failed authentication: the key is wrong or the data was tampered with'),
    );
  });

  it('refuses tampered ciphertext, a swapped key id and truncated data', async () => {
    const twoKeys = new AesGcmPayloadCodec(parseKeyRing(`k1:${newKey()},k2:${newKey()}`));
    const [sealed] = await twoKeys.encode([defaultPayloadConverter.toPayload(secret)]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[20]! ^= 0x01;
    const tampered: Payload = { ...sealed!, data: flipped };
    await expect(twoKeys.decode([tampered])).rejects.toThrow(/key "k1" failed authentication/);
    const swapped: Payload = { ...sealed!, metadata: { ...sealed!.metadata, 'encryption-key-id': Buffer.from('k2') } };
    await expect(twoKeys.decode([swapped])).rejects.toThrow(/key "k2" failed authentication/);
    const truncated: Payload = { ...sealed!, data: Buffer.from(sealed!.data!).subarray(0, 10) };
    await expect(twoKeys.decode([truncated])).rejects.toThrow('Payload encrypted with key "k1" is too short to be AES-GCM data (10 bytes)');
  });
});

describe('createDataConverter', () => {
  it('encrypts failure messages too: the failure converter moves them into an encoded payload', async () => {
    const converter = createDataConverter(parseKeyRing(`k1:${newKey()}`));
    expect(converter.payloadCodecs).toHaveLength(1);
    const { failureConverter } = require(converter.failureConverterPath!) as { failureConverter: FailureConverter };
    const failure = failureConverter.errorToFailure(new Error('card 4111 1111 1111 1111 declined'), defaultPayloadConverter);
    expect(failure.message).toBe('Message encrypted: read encodedAttributes.message');
    expect(failure.stackTrace).toBe('');
    const [sealed] = await converter.payloadCodecs![0]!.encode([failure.encodedAttributes!]);
    expect(text(sealed!.data)).not.toContain('4111');
    const [opened] = await converter.payloadCodecs![0]!.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload<{ message: string }>(opened!).message).toBe('card 4111 1111 1111 1111 declined');
  });

  it('keeps no stack trace (they name the server\'s absolute paths) at any level of the cause chain', () => {
    const { failureConverter } = require(createDataConverter(parseKeyRing(newKey())).failureConverterPath!) as { failureConverter: FailureConverter };
    const cause = new Error('connection refused');
    const failure = failureConverter.errorToFailure(new Error('order failed', { cause }), defaultPayloadConverter);
    const attributes = (f: typeof failure) => defaultPayloadConverter.fromPayload<{ message: string; stack_trace: string }>(f.encodedAttributes!);
    expect(attributes(failure)).toEqual({ message: 'order failed', stack_trace: '' });
    expect(attributes(failure.cause!)).toEqual({ message: 'connection refused', stack_trace: '' });
    expect(JSON.stringify(failure)).not.toContain(__dirname);
  });
});

describe('failure converter in the workflow sandbox', () => {
  it('bundles with the workflows (no Node imports), as a worker given createDataConverter does', async () => {
    const { bundleWorkflowCode } = await import('@temporalio/worker');
    const { failureConverterPath } = createDataConverter(parseKeyRing(newKey()));
    const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), failureConverterPath, logger: undefined });
    expect(bundle.code).toContain('encodeCommonAttributes: true');
  });
});

describe('resolveCodecKeyRing', () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), 'tether-codec-'));

  it('prefers TETHER_CODEC_KEY', () => {
    const resolved = resolveCodecKeyRing(parseSettings({ TETHER_CODEC_KEY: `env:${newKey()}`, TETHER_DATA_DIR: dataDir() }));
    expect(resolved.keyRing.active.id).toBe('env');
    expect(resolved.source).toBe('TETHER_CODEC_KEY');
    expect(resolved.generatedFile).toBeUndefined();
  });

  it('creates a key in the data dir (mode 0600) once and keeps it across starts', () => {
    const settings = parseSettings({ TETHER_DATA_DIR: join(dataDir(), 'nested') });
    const first = resolveCodecKeyRing(settings);
    expect(first.generatedFile).toBe(join(settings.TETHER_DATA_DIR, 'codec.key'));
    expect(statSync(first.generatedFile!).mode & 0o777).toBe(0o600);
    // The data dir it creates is its user's only: it holds the credentials, the key and temporal.sqlite.
    expect(statSync(settings.TETHER_DATA_DIR).mode & 0o777).toBe(0o700);
    expect(Buffer.from(readFileSync(first.generatedFile!, 'utf8').trim(), 'base64')).toHaveLength(32);
    const second = resolveCodecKeyRing(settings);
    expect(second.generatedFile).toBeUndefined();
    expect(second.keyRing.active.key.equals(first.keyRing.active.key)).toBe(true);
  });

  it('refuses to invent a key in production', () => {
    expect(() => resolveCodecKeyRing(parseSettings({ NODE_ENV: 'production', TETHER_DATA_DIR: dataDir() }))).toThrow(
      'Invalid setting TETHER_CODEC_KEY: required when NODE_ENV=production (base64 of 32 bytes: openssl rand -base64 32)',
    );
  });
});

describe('encryption at rest on a real Temporal server', () => {
  it('stores workflow input and memo encrypted; a client with the key reads them back', async () => {
    const { Client, Connection } = await import('@temporalio/client');
    const { suiteTemporalAddress, uniqueTaskQueue } = await import('../support/tether');
    const connection = await Connection.connect({ address: suiteTemporalAddress() });
    try {
      const ring = parseKeyRing(`k1:${newKey()}`);
      const client = new Client({ connection, dataConverter: createDataConverter(ring) });
      const workflowId = `codec-test-${randomBytes(6).toString('hex')}`;
      // No worker polls this queue: the start alone writes the input and memo into the history.
      const handle = await client.workflow.start('executeAction', {
        taskQueue: uniqueTaskQueue('codec'),
        workflowId,
        args: [secret],
        memo: { note: 'memo 4111' },
      });
      try {
        const raw = new Client({ connection });
        const history = await raw.workflow.getHandle(workflowId).fetchHistory();
        const started = history.events![0]!.workflowExecutionStartedEventAttributes!;
        const stored = started.input!.payloads![0]!;
        expect(text(stored.metadata!.encoding)).toBe('binary/encrypted');
        const { temporal } = await import('@temporalio/proto');
        const storedBytes = Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('latin1');
        expect(storedBytes).toContain(workflowId);
        expect(storedBytes).not.toContain('4111');
        expect(text(started.memo!.fields!.note!.metadata!.encoding)).toBe('binary/encrypted');
        const [decoded] = await new AesGcmPayloadCodec(ring).decode([stored]);
        expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(secret);
        expect((await handle.describe()).memo).toEqual({ note: 'memo 4111' });
      } finally {
        await handle.terminate('test done');
      }
    } finally {
      await connection.close();
    }
  });
});
