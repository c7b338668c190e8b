import { describe, expect, it } from 'vitest';
import { maxMinFairRates } from './bandwidth-scheduler.ts';

const capacities = (table: Record<string, number>) => (resource: string) =>
  table[resource] ?? Number.POSITIVE_INFINITY;

describe('max-min fair bandwidth sharing', () => {
  it('splits a connection equally among its transfers', () => {
    const flows = [
      { resources: ['c1'] },
      { resources: ['c1'] },
      { resources: ['c1'] },
      { resources: ['c1'] },
    ];
    expect(maxMinFairRates(flows, capacities({ c1: 8 }))).toEqual([2, 2, 2, 2]);
  });

  it('gives what a capped account cannot use to the other transfers on the connection', () => {
    const flows = [{ resources: ['c1', 'botA'] }, { resources: ['c1', 'botB'] }];
    expect(maxMinFairRates(flows, capacities({ c1: 10, botA: 2 }))).toEqual([2, 8]);
  });

  it('caps an account across its connections', () => {
    const flows = [
      { resources: ['c1', 'bot'] },
      { resources: ['c2', 'bot'] },
      { resources: ['c3', 'other'] },
    ];
    expect(maxMinFairRates(flows, capacities({ c1: 10, c2: 10, c3: 10, bot: 6 }))).toEqual([3, 3, 10]);
  });

  it('leaves unlimited transfers unlimited', () => {
    expect(maxMinFairRates([{ resources: ['free'] }], capacities({}))).toEqual([Number.POSITIVE_INFINITY]);
  });
});
