// A small typed event emitter: event names and payloads come from one map type per emitter.
// Listeners are plain arrays so emitting to no one costs one length check on hot-ish paths.

export class Emitter<Events extends { [K in keyof Events]: unknown }> {
  private readonly listeners: { [K in keyof Events]?: ((payload: Events[K]) => void)[] } = {};

  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    const list = (this.listeners[event] ??= []);
    list.push(listener);
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  has<K extends keyof Events>(event: K): boolean {
    return (this.listeners[event]?.length ?? 0) > 0;
  }

  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const list = this.listeners[event];
    if (list) for (const l of [...list]) l(payload);
  }
}
