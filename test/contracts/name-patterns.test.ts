import { namePatterns, nameProblem, type NameKind } from '../../src/contracts/names';

/** The OpenAPI document states the name rules as patterns; they must accept and refuse what the API does. */
describe('documented name patterns', () => {
  const samples = ['plant-7', 'Group One', ' ', '', 'a/b', "a'b", 'a"b', 'a\\b', 'a\u0001b', 'a\u0085b', 'a\u007fb', 'é名前', '\t'];
  for (const kind of Object.keys(namePatterns) as NameKind[]) {
    it(`${kind}: the pattern agrees with the validation on every character rule`, () => {
      const pattern = new RegExp(namePatterns[kind]);
      for (const sample of samples) expect({ sample, documented: pattern.test(sample) }).toEqual({ sample, documented: nameProblem(kind, sample) === undefined });
    });
  }
});
