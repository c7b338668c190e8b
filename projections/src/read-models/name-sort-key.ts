/**
 * The key names sort by: case-insensitive and "natural" (Episode 2 before Episode 10). Each run of
 * digits becomes its length (3 digits) followed by the digits without leading zeros, so that numbers
 * compare by value under plain byte order. Compatibility forms are folded first (full-width digits
 * become ASCII). Stored in a `collate "C"` column, so the order does not depend on the server locale.
 */
export function nameSortKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLocaleLowerCase('en-US')
    .replace(/\d+/g, (digits) => {
      const value = digits.replace(/^0+(?=\d)/, '');
      return `${String(value.length).padStart(3, '0')}${value}`;
    });
}
