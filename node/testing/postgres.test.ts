import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { findPostgresBinaries, postgresAvailability, startPostgres } from './postgres.ts'

let dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.map(async (dir) => await rm(dir, { recursive: true, force: true })))
  dirs = []
})

/** A folder with a (do-nothing) executable for each name. */
async function binDir (root: string, path: string, names: string[]): Promise<string> {
  const dir = join(root, path)
  await mkdir(dir, { recursive: true })
  for (const name of names) {
    await writeFile(join(dir, name), '#!/bin/sh\n')
    await chmod(join(dir, name), 0o755)
  }
  return dir
}

async function tempRoot (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mlb-pgbin-'))
  dirs.push(dir)
  return dir
}

const ALL = ['initdb', 'postgres', 'createdb']

describe('findPostgresBinaries', () => {
  it('picks the highest version that has every binary, comparing versions as numbers', async () => {
    const root = await tempRoot()
    await binDir(root, 'lib/9.6/bin', ALL)
    await binDir(root, 'lib/10/bin', ALL)
    const v15 = await binDir(root, 'lib/15/bin', ALL)
    await binDir(root, 'lib/16/bin', ['initdb']) // a client-only or half-removed install
    expect(await findPostgresBinaries({ libDir: join(root, 'lib'), path: '' })).toEqual({ binDir: v15 })
  })

  it('falls back to the first PATH folder holding them all, and finds nothing when none does', async () => {
    const root = await tempRoot()
    const partial = await binDir(root, 'partial', ['postgres'])
    const full = await binDir(root, 'full', ALL)
    const missingLib = join(root, 'nolib')
    expect(await findPostgresBinaries({ libDir: missingLib, path: [partial, full].join(delimiter) })).toEqual({ binDir: full })
    expect(await findPostgresBinaries({ libDir: missingLib, path: partial })).toBeUndefined()
  })
})

const availability = await postgresAvailability()

describe.skipIf(!availability.available)(`startPostgres${availability.available ? '' : ` (skipped: ${availability.reason})`}`, () => {
  it('serves on its port until stopped', async () => {
    const server = await startPostgres()
    const { port } = new URL(server.url)
    const reachable = async (): Promise<boolean> => await new Promise((resolve) => {
      const socket = connect(Number(port), '127.0.0.1')
      socket.once('connect', () => { socket.destroy(); resolve(true) })
      socket.once('error', () => resolve(false))
    })
    try {
      expect(server.url).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/mlbridge$/)
      expect(await reachable()).toBe(true)
    } finally {
      await server.stop()
    }
    expect(await reachable()).toBe(false)
  }, 60_000)
})
