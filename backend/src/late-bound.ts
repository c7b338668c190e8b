/**
 * An object whose members are looked up on `target()` at each use: routes registered before the
 * services exist (the app listens while the database starts) reach them once they do.
 */
export function lateBound<T extends object>(target: () => T): T {
  return new Proxy({} as T, {
    get(_empty, key) {
      const current = target();
      const value: unknown = Reflect.get(current, key);
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}
