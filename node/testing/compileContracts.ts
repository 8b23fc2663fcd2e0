/**
 * vitest's global setup: compiles the contracts once before any test file starts, so the files that
 * deploy a chain in `beforeAll` do not each compile them at once on a clean checkout (on two cores
 * that pushed one past its two-minute hook timeout).
 */
import { fileURLToPath } from 'node:url'
import { compileDeployScript } from '../deploy.ts'

export default async function setup (): Promise<void> {
  await compileDeployScript({ root: fileURLToPath(new URL('../..', import.meta.url)) })
}
