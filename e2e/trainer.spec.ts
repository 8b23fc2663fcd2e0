import { expect, test } from './fixtures.ts'

/**
 * The training engine in real Chromium: the trainer worker trains an MNIST shard on WebGPU
 * (SwiftShader here) and on WASM, the evaluator worker scores the result with ONNX Runtime Web.
 * The page imports the engine's modules straight from the Vite dev server.
 */
test('@smoke trainer worker trains MNIST on WebGPU and WASM; evaluator scores the version with ONNX Runtime; image folders decode', async ({ peerPage: page }) => {
  test.setTimeout(120_000)
  // Any document from the app's origin will do: the test imports the modules it needs.
  await page.goto('/icon.svg')
  const outcome = await page.evaluate(async () => {
    const load = async <T>(path: string): Promise<T> => await import(/* @vite-ignore */ path) as T
    const { parseTaskSpec } = await load<typeof import('../src/core/taskSpec.ts')>('/src/core/taskSpec.ts')
    const { decodeDelta } = await load<typeof import('../src/core/delta/codec.ts')>('/src/core/delta/codec.ts')
    const { architectureFromSpec, weightLayout } = await load<typeof import('../src/core/architecture.ts')>('/src/core/architecture.ts')
    const { startTrainer, startEvaluator } = await load<typeof import('../src/train/trainerClient.ts')>('/src/train/trainerClient.ts')
    const { backendStoreKey } = await load<typeof import('../src/train/backendChoice.ts')>('/src/train/backendChoice.ts')
    const { TrainingCancelledError } = await load<typeof import('../src/train/errors.ts')>('/src/train/errors.ts')

    const spec = parseTaskSpec({
      model: { template: 'mlp', inputShape: [784], classes: 10, hidden: [16] },
      training: { optimizer: 'sgd', learningRate: 0.2, localSteps: 12, batchSize: 32 },
      seed: 'e2e'
    })
    const arch = architectureFromSpec(spec.model)
    const layout = weightLayout(arch)
    const memory = new Map<string, string>()
    const store = { getItem: (k: string) => memory.get(k) ?? null, setItem: (k: string, v: string) => { memory.set(k, v) } }
    const trainer = startTrainer(store)
    const evaluator = startEvaluator()
    const indices = Array.from({ length: 384 }, (_, i) => i)
    const weights = await trainer.initialWeights(arch, 1)

    const runs = []
    let trained = weights
    for (const backend of ['webgpu', 'wasm'] as const) {
      const losses: number[] = []
      const started = performance.now()
      const { delta, metrics } = await trainer.train(
        { architecture: arch, training: spec.training, weights, data: { kind: 'mnist', indices }, seed: 7, progressIntervalMs: 0 },
        { backend, onProgress: (p) => losses.push(p.loss) }
      )
      const decoded = decodeDelta(delta, { expected: layout, maxBytes: 1 << 24 })
      trained = weights.map((w, i) => ({ ...w, values: w.values.map((v, j) => v - (decoded[i]?.values[j] ?? 0)) }))
      runs.push({
        backend: metrics.backend,
        ms: performance.now() - started,
        progressSteps: losses.length,
        firstLosses: losses.slice(0, 3),
        lastLosses: losses.slice(-3),
        shapes: decoded.map((t) => `${t.name}[${t.shape.join(',')}]`),
        finite: decoded.every((t) => t.values.every(Number.isFinite)),
        nonZero: decoded.some((t) => t.values.some((v) => v !== 0))
      })
    }

    // Cancelling mid-shard rejects with the engine's own error type.
    const controller = new AbortController()
    const cancelled = await trainer.train(
      { architecture: arch, training: { ...spec.training, localSteps: 100_000 }, weights, data: { kind: 'mnist', indices }, seed: 7, progressIntervalMs: 0 },
      { backend: 'wasm', signal: controller.signal, onProgress: (p) => { if (p.step >= 3) controller.abort() } }
    ).then(() => 'finished', (error: unknown) => error instanceof TrainingCancelledError ? 'cancelled' : String(error))

    // With no override, a fresh trainer probes every backend and remembers the pick in localStorage.
    localStorage.clear()
    const prober = startTrainer()
    const probe = await prober.selectBackend(arch)
    prober.terminate()
    const again = startTrainer()
    const recalled = await again.selectBackend(arch)
    again.terminate()
    const stored = localStorage.getItem(backendStoreKey(arch))

    const evaluation = await evaluator.evaluate({ architecture: arch, weights: trained, data: { kind: 'mnist-test' } })
    const onWasm = await evaluator.evaluate({ architecture: arch, weights: trained, data: { kind: 'mnist-test' }, providers: ['wasm'] })
    const untrained = await evaluator.evaluate({ architecture: arch, weights, data: { kind: 'mnist-test' }, providers: ['wasm'] })
    trainer.terminate()
    evaluator.terminate()

    // An image folder: two label folders of 16x16 PNGs, decoded and shrunk to 4x4 grey.
    const { decodeImages } = await load<typeof import('../src/train/data/images.ts')>('/src/train/data/images.ts')
    const png = async (grey: number): Promise<Blob> => {
      const canvas = new OffscreenCanvas(16, 16)
      const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D
      context.fillStyle = `rgb(${grey}, ${grey}, ${grey})`
      context.fillRect(0, 0, 16, 16)
      return await canvas.convertToBlob({ type: 'image/png' })
    }
    const shape = { height: 4, width: 4, channels: 1 as const }
    const images = await decodeImages([
      { path: 'set/white/a.png', blob: await png(255) },
      { path: 'set/black/a.png', blob: await png(0) },
      { path: 'set/white/b.png', blob: await png(255) }
    ], shape)
    const badImage = await decodeImages([{ path: 'set/white/broken.png', blob: new Blob(['not a png']) }], shape).then(() => 'decoded', (error: Error) => `${error.name}: ${error.message}`)
    const imageFolder = { classNames: images.classNames, labels: [...images.labels], featureShape: images.featureShape, firstPixel: images.x[0], secondImageFirstPixel: images.x[16], badImage }

    return { imageFolder, runs, expectedShapes: layout.map((w) => `${w.name}[${w.shape.join(',')}]`), cancelled, probe, recalled, stored, evaluation, onWasm, untrained }
  })
  console.log(JSON.stringify(outcome.runs.map(({ backend, ms, firstLosses, lastLosses }) => ({ backend, ms: Math.round(ms), firstLosses, lastLosses }))))
  console.log(`ORT: ${outcome.evaluation.provider} accuracy ${outcome.evaluation.accuracy}, wasm ${outcome.onWasm.accuracy}, untrained ${outcome.untrained.accuracy}`)

  expect(outcome.runs.map((r) => r.backend)).toEqual(['webgpu', 'wasm'])
  for (const run of outcome.runs) {
    expect(run.shapes).toEqual(outcome.expectedShapes)
    expect(run.finite).toBe(true)
    expect(run.nonZero).toBe(true)
    expect(run.progressSteps).toBe(12)
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length
    expect(mean(run.lastLosses)).toBeLessThan(mean(run.firstLosses))
  }
  expect(outcome.cancelled).toBe('cancelled')

  console.log(`probe: ${JSON.stringify(outcome.probe.probes.map((p) => ({ backend: p.backend, ms: p.ms, error: p.error?.slice(0, 80) })))} -> ${outcome.probe.backend}`)
  expect(outcome.probe.source).toBe('probe')
  expect(outcome.probe.probes.map((p) => p.backend)).toEqual(['webgpu', 'webgl', 'wasm', 'cpu'])
  expect(outcome.probe.probes.find((p) => p.backend === 'wasm')?.ms).toBeGreaterThan(0)
  expect(outcome.stored).toBe(outcome.probe.backend)
  expect(outcome.recalled).toEqual({ backend: outcome.probe.backend, source: 'remembered', probes: [] })

  expect(['webgpu', 'wasm']).toContain(outcome.evaluation.provider)
  expect(outcome.onWasm.provider).toBe('wasm')
  expect(outcome.evaluation.count).toBe(1000)
  expect(outcome.evaluation.accuracy).toBeCloseTo(outcome.onWasm.accuracy, 2)
  expect(outcome.onWasm.accuracy).toBeGreaterThan(outcome.untrained.accuracy + 0.1)

  expect(outcome.imageFolder).toMatchObject({ classNames: ['black', 'white'], labels: [1, 0, 1], featureShape: [4, 4, 1], firstPixel: 1, secondImageFirstPixel: 0 })
  expect(outcome.imageFolder.badImage).toMatch(/^DataFormatError: set\/white\/broken.png: is not a decodable image/)
})
