import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KeyFileError, readKeyFile } from './keyFile.ts'

const KEY = `0x${'ab'.repeat(32)}`
let dir: string

beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'mlb-key-')) })
afterAll(async () => { await rm(dir, { recursive: true, force: true, maxRetries: 5 }) })

async function keyFile (name: string, content: string, mode = 0o600): Promise<string> {
  const file = join(dir, name)
  await writeFile(file, content)
  await chmod(file, mode)
  return file
}

describe('key file', () => {
  it('reads a key with surrounding whitespace', async () => {
    expect(await readKeyFile(await keyFile('ok', `  ${KEY}\n`))).toEqual({ key: KEY, warnings: [] })
  })

  it('warns when other users can read the file', async () => {
    const { warnings } = await readKeyFile(await keyFile('open', KEY, 0o644))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/readable by other users .*chmod 600/)
  })

  it('refuses a malformed key without ever repeating it', async () => {
    for (const [name, content] of [['short', KEY.slice(0, -1)], ['no-prefix', 'ab'.repeat(32)], ['two', `${KEY}\n${KEY}`], ['typo', `${KEY.slice(0, -1)}g`]] as const) {
      const error = await readKeyFile(await keyFile(name, content)).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(KeyFileError)
      const message = (error as Error).message
      expect(message).toMatch(/does not hold a private key: expected 0x followed by 64 hex digits/)
      expect(message).not.toContain(content.trim().slice(2, 20))
    }
  })

  it('says when the file is missing or empty', async () => {
    await expect(readKeyFile(join(dir, 'nope'))).rejects.toThrow(/cannot read the key file .*nope \(ENOENT\)/)
    await expect(readKeyFile(await keyFile('empty', '\n'))).rejects.toThrow(/is empty/)
  })
})
