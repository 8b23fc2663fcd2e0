import { useEffect, useState } from 'react'

/**
 * Hash routes (`#/tasks/3`): the app is static files behind any host or IPFS gateway, so the
 * path part of the URL is not ours to route on.
 */
export type Route =
  /** what the network is and does, readable without a wallet: the default route */
  | { page: 'landing' }
  | { page: 'contribute' }
  | { page: 'tasks' }
  /** the wizard, creating a task that trains version `versionId` further */
  | { page: 'new-task', versionId: bigint }
  | { page: 'task', taskId: bigint }
  | { page: 'models' }
  | { page: 'model', modelId: bigint }
  | { page: 'version', versionId: bigint }
  | { page: 'not-found', path: string }

const DECIMAL = /^\d{1,78}$/

export function parseRoute (hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '') || '/'
  const parts = path.split('/').filter((p) => p !== '')
  const [first, second] = parts
  if (parts.length === 0) return { page: 'landing' }
  if (first === 'contribute' && parts.length === 1) return { page: 'contribute' }
  if (first === 'tasks' && parts.length === 1) return { page: 'tasks' }
  if (first === 'models' && parts.length === 1) return { page: 'models' }
  if (parts.length === 2 && second !== undefined && DECIMAL.test(second)) {
    if (first === 'tasks') return { page: 'task', taskId: BigInt(second) }
    if (first === 'models') return { page: 'model', modelId: BigInt(second) }
    if (first === 'versions') return { page: 'version', versionId: BigInt(second) }
  }
  const [, , third] = parts
  if (parts.length === 3 && first === 'versions' && second !== undefined && DECIMAL.test(second) && third === 'continue') return { page: 'new-task', versionId: BigInt(second) }
  return { page: 'not-found', path }
}

export function routeHref (route: Route): string {
  switch (route.page) {
    case 'landing': return '#/'
    case 'contribute': return '#/contribute'
    case 'tasks': return '#/tasks'
    case 'task': return `#/tasks/${route.taskId}`
    case 'new-task': return `#/versions/${route.versionId}/continue`
    case 'models': return '#/models'
    case 'model': return `#/models/${route.modelId}`
    case 'version': return `#/versions/${route.versionId}`
    case 'not-found': return `#${route.path}`
  }
}

export function useRoute (): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash))
  useEffect(() => {
    const onChange = (): void => { setRoute(parseRoute(window.location.hash)) }
    window.addEventListener('hashchange', onChange)
    return () => { window.removeEventListener('hashchange', onChange) }
  }, [])
  return route
}

export function navigate (route: Route): void {
  window.location.hash = routeHref(route)
}

export function Link ({ to, children, testId, className }: { to: Route, children: React.ReactNode, testId?: string, className?: string }): React.JSX.Element {
  return <a href={routeHref(to)} data-testid={testId} className={className}>{children}</a>
}
