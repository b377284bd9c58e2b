import { z } from 'zod';
import type { SpiInputType } from '../../src/connectors/sdk';
import { actionInputsSchema, parseIsoDateTime, withoutNulls } from '../../src/spi/input-schema';

const parseOne = (type: SpiInputType, value: unknown, required = false) => {
  const result = actionInputsSchema([{ name: 'value', type, required }]).safeParse(withoutNulls({ value }));
  return result.success ? { ok: true as const, value: result.data.value } : { ok: false as const, errors: z.flattenError(result.error).fieldErrors };
};

describe('SPI input typing (seed 002)', () => {
  describe('String', () => {
    it.each([
      ['text', 'Bob', 'Bob'],
      ['an object, as its JSON text', { state: 'CA' }, '{"state":"CA"}'],
      ['an array, as its JSON text', [1, 'a'], '[1,"a"]'],
      ['a number, as its text', 1.5, '1.5'],
      ['a boolean, as its text', true, 'true'],
    ])('accepts %s', (_, given, expected) => expect(parseOne('String', given)).toEqual({ ok: true, value: expected }));
  });

  describe('Integer', () => {
    it.each([[0], [42], [-7], [9007199254740991]])('accepts %p', (value) => expect(parseOne('Integer', value)).toEqual({ ok: true, value }));
    it.each([[1.5], ['42'], [true], [{}], [9007199254740992]])('refuses %p', (value) => expect(parseOne('Integer', value)).toEqual({ ok: false, errors: { value: ['expected Integer'] } }));
  });

  describe('Double', () => {
    it.each([[0], [1.5], [-2e-10], [6.02e23]])('accepts %p', (value) => expect(parseOne('Double', value)).toEqual({ ok: true, value }));
    it.each([['1.5'], [Infinity], [NaN], [false]])('refuses %p', (value) => expect(parseOne('Double', value)).toEqual({ ok: false, errors: { value: ['expected Double'] } }));
  });

  describe('DateTime', () => {
    it.each([
      ['2021-11-27T21:30:56.800+0000', '2021-11-27T21:30:56.800Z'],
      ['2021-11-27T21:30:56.800Z', '2021-11-27T21:30:56.800Z'],
      ['2021-11-27T23:30:56+02:00', '2021-11-27T21:30:56.000Z'],
      ['2021-11-27T16:30:56.8-0500', '2021-11-27T21:30:56.800Z'],
      ['2021-11-27T21:30:56', '2021-11-27T21:30:56.000Z'],
      ['2099-12-25', '2099-12-25T00:00:00.000Z'],
    ])('accepts %p as %p', (given, expected) => expect(parseOne('DateTime', given)).toEqual({ ok: true, value: expected }));
    it.each([['27/11/2021'], ['2021-02-30T00:00:00Z'], ['2021-11-27T25:00:00Z'], [1637e9], ['']])('refuses %p', (value) => {
      const result = parseOne('DateTime', value);
      expect(result.ok).toBe(false);
      expect(result.ok || result.errors.value![0]).toMatch(/^expected DateTime/);
    });
    it('reads `+0000` offsets as the same instant as Z', () => {
      expect(parseIsoDateTime('2021-11-27T21:30:56.800+0000')?.getTime()).toBe(Date.UTC(2021, 10, 27, 21, 30, 56, 800));
    });
  });

  describe('Object', () => {
    it.each([[{ a: [1, { b: 2 }] }], [[1, 2]], ['text'], [3], [false]])('accepts %p as is', (value) => expect(parseOne('Object', value)).toEqual({ ok: true, value }));
  });

  describe('Boolean', () => {
    it.each([[true], [false]])('accepts %p', (value) => expect(parseOne('Boolean', value)).toEqual({ ok: true, value }));
    it.each([['true'], [1], [null, true]])('refuses %p', (value, required = false) => {
      expect(parseOne('Boolean', value, required).ok).toBe(false);
    });
  });

  describe('required and unknown inputs', () => {
    const schema = actionInputsSchema([
      { name: 'recipient', type: 'String', required: true },
      { name: 'quantity', type: 'Integer' },
    ]);

    it('treats inputs as optional unless required, and null as not given', () => {
      expect(schema.parse(withoutNulls({ recipient: 'Bob', quantity: null }))).toEqual({ recipient: 'Bob' });
      expect(z.flattenError(schema.safeParse({ quantity: 1 }).error!).fieldErrors).toEqual({ recipient: ['required'] });
    });

    it('drops inputs the action does not declare', () => {
      expect(schema.parse({ recipient: 'Bob', productId: '93820' })).toEqual({ recipient: 'Bob' });
    });

    it('names every bad field at once', () => {
      const errors = z.flattenError(schema.safeParse({ quantity: 'one' }).error!).fieldErrors;
      expect(errors).toEqual({ recipient: ['required'], quantity: ['expected Integer'] });
    });

    it('yields a JSON schema of the inputs (for the OpenAPI document)', () => {
      expect(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })).toMatchObject({
        type: 'object',
        required: ['recipient'],
        properties: { quantity: { type: 'integer' } },
      });
    });
  });
});
