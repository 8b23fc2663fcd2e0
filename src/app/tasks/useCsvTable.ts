/**
 * Reads the chosen CSV file in its own worker as soon as it is chosen, with progress; the worker
 * keeps the table for packing on Publish, and is ended when another file is chosen or the wizard
 * closes.
 */
import * as Comlink from 'comlink'
import { useEffect, useState } from 'react'
import { explainError } from '../../chain/explainError.ts'
import type { PackedTable, PackRequest, TableRead, TableReaderApi } from './tableReader.ts'

export type CsvTableState =
  | { status: 'none' }
  | { status: 'reading', bytes: number, total: number }
  | { status: 'read', read: TableRead, seconds: number, table: Pick<TableReaderApi, 'pack'> }
  | { status: 'failed', error: string }

export function useCsvTable (file: File | undefined): CsvTableState {
  const [state, setState] = useState<CsvTableState>({ status: 'none' })
  useEffect(() => {
    if (file === undefined) { setState({ status: 'none' }); return }
    const worker = new Worker(new URL('../../../workers/table.worker.ts', import.meta.url), { type: 'module', name: 'table reader' })
    const api = Comlink.wrap<TableReaderApi>(worker)
    let current = true
    const started = performance.now()
    setState({ status: 'reading', bytes: 0, total: file.size })
    const table = {
      pack: async (request: PackRequest, onProgress: (done: number) => void): Promise<PackedTable> => await api.pack(request, Comlink.proxy(onProgress))
    }
    api.read(file, Comlink.proxy((p: { bytes: number, total: number }) => { if (current) setState({ status: 'reading', ...p }) })).then(
      (read) => { if (current) setState({ status: 'read', read, seconds: (performance.now() - started) / 1000, table }) },
      (error: unknown) => { if (current) setState({ status: 'failed', error: explainError(error) }) }
    )
    return () => {
      current = false
      worker.terminate()
    }
  }, [file])
  return state
}
