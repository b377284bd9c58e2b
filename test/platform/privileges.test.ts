import { isAllowed, mayRunBehaviours } from '../../src/platform/privileges';

describe('connector privileges', () => {
  it('grants by exact action, by connector wildcard, and by `*`', () => {
    expect(isAllowed(['myconnector/order_product'], '/myconnector/order_product')).toBe(true);
    expect(isAllowed(['myconnector/order_product'], '/myconnector/cancel')).toBe(false);
    expect(isAllowed(['myconnector/*'], '/myconnector/cancel?x=1')).toBe(true);
    expect(isAllowed(['myconnector/*'], '/http/request')).toBe(false);
    expect(isAllowed(['*'], '/http/request')).toBe(true);
    expect(isAllowed([], '/http/request')).toBe(false);
  });

  it('always allows /rcf/health and /rcf/descriptor, and checkHealth of a connector it has any privilege on', () => {
    expect(isAllowed([], '/rcf/descriptor')).toBe(true);
    expect(isAllowed([], '/rcf/health')).toBe(true);
    expect(isAllowed([], '/rcf/other')).toBe(false);
    expect(isAllowed(['myconnector/order_product'], '/myconnector/com.bmc.dsm.catalog:checkHealth')).toBe(true);
    expect(isAllowed(['myconnector/order_product'], '/http/com.bmc.dsm.catalog:checkHealth')).toBe(false);
  });

  it('allows an execution status only where running that execution was allowed', () => {
    expect(isAllowed([], '/rcf/executions/action%2Fmyconnector%2Forder_product%2Fkey-1')).toBe(false);
    expect(isAllowed(['myconnector/order_product'], '/rcf/executions/action%2Fmyconnector%2Forder_product%2Fkey-1')).toBe(true);
    expect(isAllowed(['myconnector/order_product'], '/rcf/executions/action/myconnector/order_product/key-1')).toBe(true);
    expect(isAllowed(['myconnector/order_product'], '/rcf/executions/action%2Fhttp%2Frequest%2Fkey-1')).toBe(false);
    expect(isAllowed(['myconnector/order_product'], '/rcf/executions/health%2Fmyconnector%2FPROD%2Fkey-1')).toBe(true);
    expect(isAllowed(['behaviours:acme/prod'], '/rcf/executions/behaviour%2Facme%2Fprod%2Fgreet%2Fkey-1')).toBe(true);
    expect(isAllowed(['behaviours:acme/prod'], '/rcf/executions/behaviour%2Fbeta%2Fprod%2Fgreet%2Fkey-1')).toBe(false);
    expect(isAllowed(['*'], '/rcf/executions/daemon%2Fserver1')).toBe(false);
    expect(isAllowed(['*'], '/rcf/executions/action%E0%A4%A')).toBe(false);
  });

  it('compares decoded segments and refuses encoded slashes or dot-segments', () => {
    expect(isAllowed(['myconnector/order_product'], '/my%63onnector/order_product')).toBe(true);
    expect(isAllowed(['myconnector/*'], '/myconnector/..%2F..%2Fhttp')).toBe(false);
    expect(isAllowed(['*'], '/myconnector/%E0%A4%A')).toBe(false);
  });

  it('grants behaviours by `behaviours:{tenant}/{environment}` or `*` only, and those patterns grant no SPI path', () => {
    expect(mayRunBehaviours(['behaviours:acme/prod'], 'acme', 'prod')).toBe(true);
    expect(mayRunBehaviours(['behaviours:acme/prod'], 'acme', 'test')).toBe(false);
    expect(mayRunBehaviours(['*'], 'any', 'where')).toBe(true);
    expect(mayRunBehaviours(['myconnector/*'], 'acme', 'prod')).toBe(false);
    expect(isAllowed(['behaviours:acme/prod'], '/behaviours:acme/prod')).toBe(false);
  });
});
