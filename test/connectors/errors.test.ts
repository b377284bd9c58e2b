import { ApplicationFailure } from '@temporalio/common';
import { toFailure } from '../../src/activities/actions';
import { BusinessError, ConnectorConfigError, TargetTimeoutError, TargetUnavailableError } from '../../src/sdk';

// A plugin in another folder resolves its own copy of `tether/sdk`: its classes are not ours.
function anotherCopyOfTheSdk(): typeof import('../../src/sdk') {
  let copy: typeof import('../../src/sdk') | undefined;
  jest.isolateModules(() => {
    copy = require('../../src/sdk');
  });
  return copy!;
}

describe('connector failures are classified by class', () => {
  const other = anotherCopyOfTheSdk();

  it('is a distinct copy (the situation the brand exists for)', () => {
    expect(other.BusinessError).not.toBe(BusinessError);
  });

  it.each([
    ['BusinessError', () => new other.BusinessError('out of stock', { sku: 'A1' }), { type: 'BusinessError', nonRetryable: true, details: [{ sku: 'A1' }] }],
    ['ConnectorConfigError', () => new other.ConnectorConfigError('no base URL'), { type: 'ConnectorConfigError', nonRetryable: true }],
    ['TargetTimeoutError', () => new other.TargetTimeoutError('slow'), { type: 'TargetTimeoutError', nonRetryable: false }],
    ['TargetUnavailableError', () => new other.TargetUnavailableError('down'), { type: 'TargetUnavailableError', nonRetryable: false }],
  ])("recognises another copy's %s by instanceof and classifies it", (_, make, expected) => {
    const error = make();
    const classes = { BusinessError, ConnectorConfigError, TargetTimeoutError, TargetUnavailableError };
    for (const [name, cls] of Object.entries(classes)) expect(error instanceof cls).toBe(name === _);
    const failure = toFailure(error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject(expected);
  });

  it('does not take an error for a BusinessError because of its name', () => {
    const lookalike = Object.assign(new Error('refused'), { name: 'BusinessError' });
    expect(lookalike instanceof BusinessError).toBe(false);
    const failure = toFailure(lookalike);
    expect(failure).not.toBeInstanceOf(ApplicationFailure);
    expect(failure).toBe(lookalike);
  });

  it("keeps ordinary instanceof for a connector's own subclass", () => {
    class OutOfStock extends BusinessError {}
    const error = new OutOfStock('none left');
    expect(error).toBeInstanceOf(OutOfStock);
    expect(error).toBeInstanceOf(BusinessError);
    expect(new BusinessError('other') instanceof OutOfStock).toBe(false);
    expect(toFailure(error)).toMatchObject({ type: 'BusinessError', nonRetryable: true });
  });
});
