import { describe, expect, it } from 'vitest'
import { parseRoute, routeHref, type Route } from './router.tsx'

describe('hash routes', () => {
  it('parses every page and round-trips through routeHref', () => {
    const routes: Route[] = [
      { page: 'landing' }, { page: 'contribute' }, { page: 'tasks' }, { page: 'task', taskId: 12n },
      { page: 'models' }, { page: 'model', modelId: 3n }, { page: 'version', versionId: 7n },
      { page: 'new-task', versionId: 7n }
    ]
    for (const route of routes) expect(parseRoute(routeHref(route))).toEqual(route)
  })

  it('treats an empty hash as the landing page and names unknown paths', () => {
    expect(parseRoute('')).toEqual({ page: 'landing' })
    expect(parseRoute('#/')).toEqual({ page: 'landing' })
    expect(parseRoute('#/contribute/')).toEqual({ page: 'contribute' })
    expect(parseRoute('#/tasks/')).toEqual({ page: 'tasks' })
    expect(parseRoute('#/tasks/abc')).toEqual({ page: 'not-found', path: '/tasks/abc' })
    expect(parseRoute('#/nope')).toEqual({ page: 'not-found', path: '/nope' })
    expect(parseRoute('#/versions/7/fork')).toEqual({ page: 'not-found', path: '/versions/7/fork' })
    expect(parseRoute('#/versions/x/continue')).toEqual({ page: 'not-found', path: '/versions/x/continue' })
  })
})
