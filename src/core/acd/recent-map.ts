// A map that keeps at least the last `limit` entries set, in O(1): two generations, the older one
// dropped whole when the newer fills up. (Trimming a Map from its oldest key one by one walks the
// deleted slots at its head each time, which got slow enough to show in the routing benchmark.)

export class RecentMap<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    return this.current.get(key) ?? this.previous.get(key);
  }

  set(key: K, value: V): void {
    this.previous.delete(key);
    this.current.set(key, value);
    if (this.current.size >= this.limit) {
      this.previous = this.current;
      this.current = new Map();
    }
  }
}
