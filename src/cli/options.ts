import { InvalidArgumentError } from 'commander';

/** Commander parsers for option values: a bad value is a usage error (exit 2) naming the option. */
export const wholeNumber = (flag: string, min: number, max = 64) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new InvalidArgumentError(`${flag} expects a whole number from ${min} to ${max}.`);
  return parsed;
};

export const portOption = (flag: string) => wholeNumber(flag, 0, 65535);

export const booleanOption = (flag: string) => (value: string) => {
  if (value !== 'true' && value !== 'false') throw new InvalidArgumentError(`${flag} expects true or false.`);
  return value === 'true';
};
