import { useEffect, useState } from 'react'
import { contributor, type ContributorState } from './contributor.ts'

export function useContributor (): ContributorState {
  const [state, setState] = useState(contributor.current)
  useEffect(() => contributor.on('change', setState), [])
  return state
}
