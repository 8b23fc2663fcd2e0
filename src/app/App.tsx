import { lazy, Suspense } from 'react'
import { WalletPanel } from './components/WalletPanel.tsx'
import { TokenPanel } from './components/TokenPanel.tsx'
import { Link, routeHref, useRoute, type Route } from './router.tsx'
import { useResumeContribution } from './contribute/useResumeContribution.ts'
import { LandingPage } from './pages/LandingPage.tsx'
import { TasksPage } from './pages/TasksPage.tsx'

// The landing page and the task list come with the first load; the rest load when first visited.
const ContributePage = lazy(async () => ({ default: (await import('./pages/ContributePage.tsx')).ContributePage }))
const TaskDetailPage = lazy(async () => ({ default: (await import('./pages/TaskDetailPage.tsx')).TaskDetailPage }))
const MarketPage = lazy(async () => ({ default: (await import('./pages/MarketPage.tsx')).MarketPage }))
const ModelPage = lazy(async () => ({ default: (await import('./pages/ModelPage.tsx')).ModelPage }))
const VersionPage = lazy(async () => ({ default: (await import('./pages/VersionPage.tsx')).VersionPage }))

const NAV: Array<{ label: string, route: Route, section: Route['page'][] }> = [
  { label: 'Contribute', route: { page: 'contribute' }, section: ['contribute'] },
  { label: 'Tasks', route: { page: 'tasks' }, section: ['tasks', 'task', 'new-task'] },
  { label: 'Market', route: { page: 'models' }, section: ['models', 'model', 'version'] }
]

function Page ({ route }: { route: Route }): React.JSX.Element {
  switch (route.page) {
    case 'landing': return <LandingPage />
    case 'contribute': return <ContributePage />
    case 'tasks': return <TasksPage />
    case 'new-task': return <TasksPage key={route.versionId.toString()} continues={route.versionId} />
    case 'task': return <TaskDetailPage taskId={route.taskId} />
    case 'models': return <MarketPage />
    case 'model': return <ModelPage modelId={route.modelId} />
    case 'version': return <VersionPage versionId={route.versionId} />
    case 'not-found': return <p className="panel error" role="alert">No page at {route.path}. <Link to={{ page: 'landing' }}>Back to the start</Link></p>
  }
}

export function App (): React.JSX.Element {
  const route = useRoute()
  useResumeContribution()
  return (
    <div className="app">
      <header>
        <h1><Link to={{ page: 'landing' }} testId="nav-landing" className="home"><img src="/icon.svg" alt="" width={28} height={28} /> ML Bridge</Link></h1>
        <p className="tagline">Volunteer compute for machine learning, verified on-chain.</p>
        <nav className="nav" aria-label="Pages">
          {NAV.map((item) => (
            <Link key={item.label} to={item.route} testId={`nav-${item.route.page}`} className={item.section.includes(route.page) ? 'active' : ''}>{item.label}</Link>
          ))}
        </nav>
      </header>
      <div className="account">
        <WalletPanel />
        <TokenPanel />
      </div>
      <main className="page" data-page={route.page} data-route={routeHref(route)}>
        <Suspense fallback={<p className="muted" data-testid="page-loading">Loading…</p>}>
          <Page route={route} />
        </Suspense>
      </main>
    </div>
  )
}
