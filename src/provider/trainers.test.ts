import { describe, expect, it } from 'vitest'
import type { TrainerClient, TrainOptions } from '../train/trainerClient.ts'
import { workerTrainer } from './trainers.ts'
import type { TrainRequest } from '../train/trainShard.ts'
import type { ShardData } from '../train/workerApi.ts'

describe('workerTrainer', () => {
  it('trains on the backend it was given, so what the page shows is what runs', async () => {
    const seen: TrainOptions[] = []
    const client = { train: async (_job: unknown, options: TrainOptions) => { seen.push(options); return { delta: new Uint8Array(0) } } } as unknown as TrainerClient
    const request = { architecture: {}, training: {}, weights: [], data: { kind: 'mnist', indices: [] }, seed: 1 } as unknown as TrainRequest<ShardData>
    await workerTrainer(client, 'wasm').train(request, {})
    await workerTrainer(client).train(request, {})
    expect(seen.map((o) => o.backend)).toEqual(['wasm', undefined])
  })
})
