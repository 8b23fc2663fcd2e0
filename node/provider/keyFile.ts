/**
 * The account key, read from a file so it never appears in argv, the environment or the shell
 * history. Errors describe the file, never its content.
 */
import { readFile, stat } from 'node:fs/promises'
import type { Hex } from 'viem'
import { errorKind } from '../../src/core/errors.ts'

export class KeyFileError extends errorKind('KEY_FILE') {
  override name = 'KeyFileError'
}

/** Reads a 0x-prefixed 32-byte hex key (surrounding whitespace allowed). */
export async function readKeyFile (file: string): Promise<{ key: Hex, warnings: string[] }> {
  let text: string
  let mode: number
  try {
    mode = (await stat(file)).mode
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new KeyFileError(`cannot read the key file ${file}${code === undefined ? '' : ` (${code})`}`)
  }
  const key = parseKey(text, file)
  // Owner-only files are what ssh and gpg insist on; here a readable file is a warning, not a stop.
  const warnings = (mode & 0o077) !== 0 ? [`the key file ${file} is readable by other users (mode ${(mode & 0o777).toString(8)}): chmod 600 it`] : []
  return { key, warnings }
}

export function parseKey (text: string, file: string): Hex {
  const trimmed = text.trim()
  if (trimmed === '') throw new KeyFileError(`the key file ${file} is empty`)
  if (!/^0x[0-9a-fA-F]{64}$/.test(trimmed)) {
    // Describe the shape only: the content may be a real key with a typo.
    const lines = trimmed.split('\n').length
    throw new KeyFileError(`the key file ${file} does not hold a private key: expected 0x followed by 64 hex digits on one line, found ${trimmed.length} characters on ${lines} line${lines === 1 ? '' : 's'}`)
  }
  return trimmed as Hex
}
