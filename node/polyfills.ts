// libp2p 3 and Helia 7 call Promise.withResolvers (ES2024, Node 22+); the
// supported runtime is Node 20, so this must be loaded before anything imports
// them (`tsx --import ./node/polyfills.ts`, vitest `setupFiles`).
type WithResolvers = <T>() => {
  promise: Promise<T>
  resolve: (value: T | PromiseLike<T>) => void
  reject: (reason?: unknown) => void
}

const P = Promise as unknown as { withResolvers?: WithResolvers }

if (typeof P.withResolvers !== 'function') {
  const withResolvers: WithResolvers = <T>() => {
    let resolve!: (value: T | PromiseLike<T>) => void
    let reject!: (reason?: unknown) => void
    const promise = new Promise<T>((_resolve, _reject) => { resolve = _resolve; reject = _reject })
    return { promise, resolve, reject }
  }
  Object.defineProperty(Promise, 'withResolvers', { value: withResolvers, writable: true, configurable: true })
}

// Node 20 has no global WebSocket (Node 22 does, from undici), and
// @libp2p/websockets dials with the global one. Node processes that dial a relay
// (tests, headless providers) get undici's WebSocket, the same implementation
// Node 22 ships. undici 7 is pinned by the root package.json `overrides`.
if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'undefined') {
  const { WebSocket } = await import('undici')
  Object.defineProperty(globalThis, 'WebSocket', { value: WebSocket, writable: true, configurable: true })
}

export {}
