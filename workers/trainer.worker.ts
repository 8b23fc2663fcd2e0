/// <reference lib="webworker" />
/** The trainer: tfjs in a Web Worker, driven over comlink by TrainerClient (src/train/trainerClient.ts). */
import * as Comlink from 'comlink'
import { fetchMnist } from '../src/train/data/mnistAsset.ts'
import { createTrainerApi } from '../src/train/trainerService.ts'
import { tfjsWasmPaths } from '../src/train/wasmAssets.ts'

Comlink.expose(createTrainerApi({
  wasmPaths: tfjsWasmPaths,
  loadMnist: async () => await fetchMnist(new URL(import.meta.env.BASE_URL, self.location.origin))
}))
