import { spiAuth, startTestTether, type TestTether } from '../support/tether';

describe('example connector: echoTypes over the SPI', () => {
  let tether: TestTether;
  beforeAll(async () => {
    tether = await startTestTether();
  });
  afterAll(() => tether.stop());

  const echo = async (inputs: unknown) => {
    const response = await fetch(`${tether.url}/myconnector/echo_types`, {
      method: 'POST',
      headers: { ...spiAuth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ connectionInstanceId: 'DEV', inputs }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('hands the handler one value of every SPI type, typed and normalised', async () => {
    const response = await echo({
      text: { nested: ['json'] },
      count: 3,
      ratio: 0.25,
      when: '2021-11-27T21:30:56.800+0000',
      data: { shippingAddress: { state: 'CA' } },
      flag: false,
    });
    expect(response).toEqual({
      status: 200,
      body: {
        outputs: {
          received: {
            text: '{"nested":["json"]}',
            count: 3,
            ratio: 0.25,
            when: '2021-11-27T21:30:56.800Z',
            data: { shippingAddress: { state: 'CA' } },
            flag: false,
          },
        },
      },
    });
  });

  it('refuses a wrong value of every typed input in one 400', async () => {
    const response = await echo({ count: 1.5, ratio: 'x', when: 'yesterday', flag: 'yes', text: 'fine', data: null });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual({
      'inputs.count': ['expected Integer'],
      'inputs.ratio': ['expected Double'],
      'inputs.when': ['expected DateTime (ISO 8601, e.g. 2021-11-27T21:30:56.800+0000)'],
      'inputs.flag': ['expected Boolean'],
    });
  });

  it('passes no inputs at all as an empty object', async () => {
    expect(await echo(undefined)).toEqual({ status: 200, body: { outputs: { received: {} } } });
  });
});
