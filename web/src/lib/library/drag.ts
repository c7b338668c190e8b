/** The drag payload of library items: their keys (`file:…`, `folder:…`) as JSON. */
export const ITEMS_MIME = 'application/x-teleplay-items';

export function startDrag(event: DragEvent, keys: readonly string[], label: string): void {
  if (!event.dataTransfer) return;
  event.dataTransfer.effectAllowed = 'move';
  event.dataTransfer.setData(ITEMS_MIME, JSON.stringify(keys));
  event.dataTransfer.setData('text/plain', label);
}

/** Whether a drag carries library items (the payload itself is readable only on drop). */
export function carriesItems(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes(ITEMS_MIME) ?? false;
}

export function droppedKeys(event: DragEvent): string[] {
  try {
    const keys = JSON.parse(event.dataTransfer?.getData(ITEMS_MIME) ?? '[]') as unknown;
    return Array.isArray(keys) ? keys.filter((key): key is string => typeof key === 'string') : [];
  } catch {
    return [];
  }
}
