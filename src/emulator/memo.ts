/** The value a map holds for `key`, built and stored on first use. */
export function memo<K, V>(
  store: { get(key: K): V | undefined; set(key: K, value: V): unknown },
  key: K,
  build: () => V,
): V {
  let value = store.get(key);
  if (value === undefined) {
    value = build();
    store.set(key, value);
  }
  return value;
}
