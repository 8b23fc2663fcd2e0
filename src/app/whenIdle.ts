/**
 * Resolves once the browser has a quiet moment (or after `timeoutMs` at the latest), so work that
 * can wait (starting the peer node) does not hold up the first paint and the page's first input.
 */
export async function whenIdle (timeoutMs = 2000): Promise<void> {
  await new Promise<void>((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => { resolve() }, { timeout: timeoutMs })
    else setTimeout(resolve, 0)
  })
}
