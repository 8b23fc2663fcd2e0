/// <reference lib="webworker" />
/**
 * The raw loop (lmBenchJob.ts) in a plain dedicated worker, so `npm run bench -- lm` compares the
 * trainer worker with raw tfjs in the same kind of thread: tfjs runs slower in a worker than on
 * the page's main thread on this VM, whoever drives it.
 */
import { registerBackends } from './backend.ts'
import { rawLoopTokensPerSec, type RawLoopJob } from './lmBenchJob.ts'
import { tfjsWasmPaths } from './wasmAssets.ts'

const ready = registerBackends(tfjsWasmPaths)

self.onmessage = async ({ data }: MessageEvent<RawLoopJob>) => {
  try {
    await ready
    self.postMessage({ tokensPerSec: await rawLoopTokensPerSec(data) })
  } catch (error) {
    self.postMessage({ error: error instanceof Error ? error.message : String(error) })
  }
}
