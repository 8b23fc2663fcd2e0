/**
 * Reads the chosen CSV file in its own worker as soon as it is chosen, with progress; the worker
 * keeps the table for packing on Publish (the wizard) or for taking as a model's samples (the
 * viewer), and is ended when another file is chosen or the page closes.
 */
import * as Comlink from 'comlink'
import { startTransition, useEffect, useState, useSyncExternalStore } from 'react'
import { explainError } from '../../chain/explainError.ts'
import type { TableDescription } from '../../train/data/tableColumns.ts'
import type { ModelSamples, PackedTable, PackRequest, ReadProgress, TableRead, TableReaderApi } from './tableReader.ts'

/**
 * How far the reading is, apart from the wizard's state: only the progress bar renders as it
 * moves, not the whole form (on a busy machine that render alone made long tasks).
 */
export class ReadProgressStore {
  private progress: ReadProgress
  private readonly listeners = new Set<() => void>()
  constructor (total: number) { this.progress = { bytes: 0, total } }
  readonly get = (): ReadProgress => this.progress
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  set (progress: ReadProgress): void {
    this.progress = progress
    for (const listener of this.listeners) listener()
  }
}

export function useReadProgress (store: ReadProgressStore): ReadProgress {
  return useSyncExternalStore(store.subscribe, store.get)
}

export type CsvTableState =
  | { status: 'none' }
  | { status: 'reading', progress: ReadProgressStore }
  | { status: 'read', read: TableRead, seconds: number, table: Pick<TableReaderApi, 'pack' | 'modelSamples'> }
  | { status: 'failed', error: string }

export function useCsvTable (file: File | undefined): CsvTableState {
  const [state, setState] = useState<CsvTableState>({ status: 'none' })
  useEffect(() => {
    if (file === undefined) { setState({ status: 'none' }); return }
    const worker = new Worker(new URL('../../../workers/table.worker.ts', import.meta.url), { type: 'module', name: 'table reader' })
    const api = Comlink.wrap<TableReaderApi>(worker)
    let current = true
    const started = performance.now()
    const progress = new ReadProgressStore(file.size)
    setState({ status: 'reading', progress })
    const table = {
      pack: async (request: PackRequest, onProgress: (done: number) => void): Promise<PackedTable> => await api.pack(request, Comlink.proxy(onProgress)),
      modelSamples: async (model: TableDescription): Promise<ModelSamples> => await api.modelSamples(model)
    }
    api.read(file, Comlink.proxy((p: ReadProgress) => { progress.set(p) })).then(
      // A transition: React renders the summary in slices, so showing it does not hold up the page either.
      (read) => { if (current) startTransition(() => { setState({ status: 'read', read, seconds: (performance.now() - started) / 1000, table }) }) },
      (error: unknown) => { if (current) setState({ status: 'failed', error: explainError(error) }) }
    )
    return () => {
      current = false
      worker.terminate()
    }
  }, [file])
  return state
}
