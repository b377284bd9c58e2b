import request from 'supertest';
import { spiAuth, startTestTether, type TestTether } from '../support/tether';

describe('execution metrics', () => {
  let tether: TestTether;
  beforeAll(async () => {
    tether = await startTestTether();
  });
  afterAll(() => tether.stop());

  const counter = (text: string, outcome: string) =>
    Number(text.match(new RegExp(`^tether_executions_total\\{connector="myconnector",action="submitOrder",outcome="${outcome}"\\} (\\d+)`, 'm'))?.[1] ?? 0);

  it('counts SPI executions by connector, action and outcome, with their latency', async () => {
    const order = (quantity: number) => request(tether.url).post('/myconnector/order_product').set(spiAuth).send({ connectionInstanceId: 'DEV', inputs: { recipient: 'Bob', quantity } });
    await order(1).expect(200);
    await order(2).expect(200);
    await order(0).expect(422);
    const text = (await request(tether.url).get('/metrics').expect(200)).text;
    expect(counter(text, 'succeeded')).toBe(2);
    expect(counter(text, 'business_failure')).toBe(1);
    expect(text).toMatch(/^tether_execution_duration_seconds_count\{connector="myconnector",action="submitOrder"\} 3$/m);
  });
});
