import { ShareId } from '@teleplay/contracts';
import { describe, expect, it } from 'vitest';
import { createShareIds } from './share-ids.ts';

const SECRET = 'share-link-test-secret-0123456789-abcdef';
const SEED = '5d1c7a4e-3b2f-4c1d-9e8f-7a6b5c4d3e2f';

describe('share ids', () => {
  const ids = createShareIds(SECRET);

  it('are valid share ids that this server recognises', () => {
    const id = ids.create(SEED);
    expect(ShareId.safeParse(id).success).toBe(true);
    expect(id).toHaveLength(44);
    expect(ids.verify(id)).toBe(true);
  });

  it('are the same for the same seed, and differ for another seed', () => {
    expect(ids.create(SEED)).toBe(ids.create(SEED));
    expect(ids.create('6e2d8b5f-4c3a-4d2e-8f9a-8b7c6d5e4f3a')).not.toBe(ids.create(SEED));
  });

  it('are refused when altered, truncated, or signed with another secret', () => {
    const id = ids.create(SEED);
    const altered = `${id.slice(0, 10)}${id[10] === 'A' ? 'B' : 'A'}${id.slice(11)}`;
    expect(ids.verify(altered)).toBe(false);
    expect(ids.verify(id.slice(0, 43))).toBe(false);
    expect(ids.verify(`${id.slice(0, 22)}${'A'.repeat(22)}`)).toBe(false);
    expect(createShareIds(`${SECRET}-other`).verify(id)).toBe(false);
    expect(ids.verify('not/a share id at all, but 44 characters!!!')).toBe(false);
  });

  it('need a long enough secret and a UUID seed', () => {
    expect(() => createShareIds('short')).toThrow(RangeError);
    expect(() => ids.create('not-a-uuid')).toThrow(RangeError);
  });
});
