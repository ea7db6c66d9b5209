import Personnummer from 'personnummer';

/**
 * Swedish personal identity numbers, validated by the maintained `personnummer` library:
 * date, Luhn checksum, and coordination numbers (samordningsnummer, day + 60).
 */
const options = { allowCoordinationNumber: true, allowInterimNumber: false };

export function isValidPersonnummer(value: string): boolean {
  return Personnummer.valid(value, options);
}

/** The 12-digit form (YYYYMMDDNNNN) every way of writing the same number maps to; the lookup hash is over this. */
export function normalisePersonnummer(value: string): string {
  return Personnummer.parse(value, options).format(true);
}
