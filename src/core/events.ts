/** A typed EventTarget: state changes are announced as events carrying the new state. */
export class Emitter<M extends Record<string, unknown>> extends EventTarget {
  /** returns the unsubscribe function */
  on<K extends keyof M & string> (type: K, listener: (detail: M[K]) => void): () => void {
    const handler = (evt: Event): void => { listener((evt as CustomEvent<M[K]>).detail) }
    this.addEventListener(type, handler)
    return () => { this.removeEventListener(type, handler) }
  }

  emit<K extends keyof M & string> (type: K, detail: M[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }))
  }
}
