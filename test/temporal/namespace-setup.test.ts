import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { Connection } from '@temporalio/client';
import { tetherSearchAttributeKeys } from '../../src/contracts/search-attributes';
import { cliType, ensureNamespaceReady, missingSearchAttributes, NamespaceSetupError, registerNamespace } from '../../src/temporal/namespace-setup';
import { startTestTether, suiteTemporalAddress } from '../support/tether';

/** A namespace of its own on the suite's server, without Tether's search attributes. */
async function bareNamespace(connection: Connection): Promise<string> {
  const namespace = `bare-${randomUUID()}`;
  await registerNamespace(connection, namespace, 1);
  return namespace;
}

describe('namespace check at start', () => {
  let connection: Connection;
  const address = suiteTemporalAddress();
  beforeAll(async () => {
    connection = await Connection.connect({ address });
  });
  afterAll(() => connection.close());

  it('refuses a missing namespace with one line naming the command that creates it', async () => {
    const namespace = `missing-${randomUUID()}`;
    const started = startTestTether({ env: { TEMPORAL_NAMESPACE: namespace } });
    await expect(started).rejects.toThrow(NamespaceSetupError);
    await expect(started).rejects.toThrow(
      `Namespace ${namespace} does not exist on ${address}: run \`temporal operator namespace create --address ${address} --namespace ${namespace}\``,
    );
  });

  it('refuses a namespace without the search attributes, naming the command with every missing one', async () => {
    const namespace = await bareNamespace(connection);
    const error = await startTestTether({ env: { TEMPORAL_NAMESPACE: namespace } }).catch((err: Error) => err);
    expect(error).toBeInstanceOf(NamespaceSetupError);
    const names = tetherSearchAttributeKeys.map((key) => `--name ${key.name} --type ${cliType[key.type]}`).join(' ');
    expect((error as Error).message).toBe(
      `Namespace ${namespace} lacks the search attributes ${tetherSearchAttributeKeys.map((key) => key.name).join(', ')}: ` +
        `run \`temporal operator search-attribute create --address ${address} --namespace ${namespace} ${names}\` or start with TETHER_REGISTER_SEARCH_ATTRIBUTES=true`,
    );
    expect((error as Error).message).not.toContain('\n');
  });

  it('registers the missing search attributes when TETHER_REGISTER_SEARCH_ATTRIBUTES allows it, then serves actions', async () => {
    const namespace = await bareNamespace(connection);
    const tether = await startTestTether({ env: { TEMPORAL_NAMESPACE: namespace, TETHER_REGISTER_SEARCH_ATTRIBUTES: 'true' } });
    try {
      expect(await missingSearchAttributes(connection, namespace)).toEqual([]);
      await request(tether.url).get('/health/ready').expect(200);
    } finally {
      await tether.stop();
    }
    // A second start finds everything in place.
    await expect(ensureNamespaceReady(connection, { namespace, address }, false)).resolves.toBeUndefined();
  });
});
