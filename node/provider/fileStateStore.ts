/**
 * The provider loop's state as JSON files, one per task and account, so a restarted provider
 * resumes: a committed result is revealed with the salt saved before its commit was sent.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { ProviderState, ProviderStateStore } from '../../src/provider/types.ts'

export class FileStateStore implements ProviderStateStore {
  private writes = 0

  constructor (readonly dir: string) {}

  /** Keys look like `mlbridge.provider/<account>/<task>`: the file name keeps every part. */
  fileOf (key: string): string {
    return join(this.dir, `${key.replace(/[^A-Za-z0-9.-]+/g, '_')}.json`)
  }

  async load (key: string): Promise<ProviderState | undefined> {
    let text: string
    try {
      text = await readFile(this.fileOf(key), 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
    try {
      return JSON.parse(text) as ProviderState
    } catch (error) {
      throw new Error(`the provider state file ${this.fileOf(key)} is not valid JSON`, { cause: error })
    }
  }

  /** Writes a temporary file and renames it over the old one: a crash leaves one or the other, whole. */
  async save (key: string, state: ProviderState): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    const file = this.fileOf(key)
    const temp = `${file}.${process.pid}.${this.writes++}.tmp`
    await writeFile(temp, JSON.stringify(state, null, 2), { mode: 0o600 })
    await rename(temp, file)
  }
}
