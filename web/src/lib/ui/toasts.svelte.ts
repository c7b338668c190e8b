export interface ToastAction {
  label: string;
  run(): void | Promise<void>;
}

export interface Toast {
  id: number;
  message: string;
  tone: 'info' | 'success' | 'error';
  action?: ToastAction;
}

/** Short messages at the edge of the screen (errors, "moved to trash · Undo"); they go by themselves. */
class Toasts {
  items = $state<Toast[]>([]);
  #next = 1;

  show(
    message: string,
    options: { tone?: Toast['tone']; action?: ToastAction; durationMs?: number } = {},
  ): number {
    const id = this.#next++;
    const toast: Toast = { id, message, tone: options.tone ?? 'info' };
    if (options.action) toast.action = options.action;
    this.items = [...this.items.slice(-3), toast];
    const duration = options.durationMs ?? (options.action ? 8000 : options.tone === 'error' ? 7000 : 4000);
    setTimeout(() => this.dismiss(id), duration);
    return id;
  }

  error(message: string): number {
    return this.show(message, { tone: 'error' });
  }

  dismiss(id: number): void {
    this.items = this.items.filter((toast) => toast.id !== id);
  }
}

export const toasts = new Toasts();
