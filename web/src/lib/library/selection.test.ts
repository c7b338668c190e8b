import { describe, expect, it } from 'vitest';
import { Selection } from './selection.svelte.ts';

function selection(order = ['a', 'b', 'c', 'd', 'e', 'f']) {
  const selected = new Selection();
  selected.setOrder(order);
  return selected;
}

describe('Selection', () => {
  it('selects one item with a plain click', () => {
    const selected = selection();
    selected.click('b');
    selected.click('d');
    expect(selected.ordered).toEqual(['d']);
  });

  it('adds and removes single items with Ctrl/Cmd', () => {
    const selected = selection();
    selected.click('b');
    selected.click('d', { toggle: true });
    selected.click('f', { toggle: true });
    selected.click('b', { toggle: true });
    expect(selected.ordered).toEqual(['d', 'f']);
  });

  it('selects a range from the anchor with Shift, in either direction', () => {
    const selected = selection();
    selected.click('e');
    selected.click('b', { range: true });
    expect(selected.ordered).toEqual(['b', 'c', 'd', 'e']);
    // The anchor stays: a second Shift click re-draws the range from it.
    selected.click('f', { range: true });
    expect(selected.ordered).toEqual(['e', 'f']);
  });

  it('adds a range to the selection with Ctrl/Cmd+Shift', () => {
    const selected = selection();
    selected.click('a');
    selected.click('d', { toggle: true });
    selected.click('f', { toggle: true, range: true });
    expect(selected.ordered).toEqual(['a', 'd', 'e', 'f']);
  });

  it('treats Shift without an anchor as a plain click', () => {
    const selected = selection();
    selected.click('c', { range: true });
    expect(selected.ordered).toEqual(['c']);
    selected.click('e', { range: true });
    expect(selected.ordered).toEqual(['c', 'd', 'e']);
  });

  it('selects everything and clears', () => {
    const selected = selection();
    selected.selectAll();
    expect(selected.size).toBe(6);
    selected.clear();
    expect(selected.size).toBe(0);
    expect(selected.anchor).toBeNull();
  });

  it('drops items that left the list, and follows the new order for ranges', () => {
    const selected = selection();
    selected.click('b');
    selected.click('d', { range: true });
    selected.setOrder(['d', 'c', 'x', 'a']);
    expect(selected.ordered).toEqual(['d', 'c']);
    selected.click('a', { range: true });
    expect(selected.ordered).toEqual(['a']);
    selected.click('x');
    selected.click('d', { range: true });
    expect(selected.ordered).toEqual(['d', 'c', 'x']);
  });
});
