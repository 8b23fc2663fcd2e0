/**
 * A throwaway Postgres server for a test: the installed server binaries, a fresh cluster in a temp
 * folder (trust auth, no password), listening on 127.0.0.1 on a free port with its unix socket in
 * that folder, and one database. Nothing of the system's own Postgres service is used or touched.
 */
import { access, chown, constants, mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { freePort } from '../ports.ts'
import { runCommand, startProcess, type RunningProcess } from '../processes.ts'

/** What a cluster needs: `initdb` makes it, `postgres` serves it, `createdb` makes the test's database. */
const BINARIES = ['initdb', 'postgres', 'createdb'] as const

export interface PostgresBinaries {
  /** the folder holding initdb, postgres and createdb */
  binDir: string
}

export type PostgresAvailability =
  | { available: true, binDir: string, user?: { name: string, uid: number, gid: number } }
  | { available: false, reason: string }

export interface PostgresServer {
  /** a connection string for the server's database (user `postgres`, no password) */
  url: string
  /** Shuts the server down (fast mode: open connections are closed) and removes its folder. */
  stop(): Promise<void>
}

async function isExecutable (path: string): Promise<boolean> {
  return await access(path, constants.X_OK).then(() => true, () => false)
}

async function hasAll (binDir: string): Promise<boolean> {
  for (const name of BINARIES) if (!await isExecutable(join(binDir, name))) return false
  return true
}

/** Compares Debian's version folder names ("9.6", "15", "17") as numbers, part by part. */
function compareVersions (a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/**
 * The server binaries: the highest version under `libDir` (Debian's /usr/lib/postgresql/<version>/bin,
 * which is not on PATH), else the first folder on PATH that holds all of them.
 */
export async function findPostgresBinaries (opts: { libDir?: string, path?: string } = {}): Promise<PostgresBinaries | undefined> {
  const libDir = opts.libDir ?? '/usr/lib/postgresql'
  const versions = (await readdir(libDir).catch(() => [] as string[]))
    .filter((name) => /^\d+(\.\d+)*$/.test(name))
    .sort(compareVersions)
    .reverse()
  for (const version of versions) {
    const binDir = join(libDir, version, 'bin')
    if (await hasAll(binDir)) return { binDir }
  }
  for (const binDir of (opts.path ?? process.env.PATH ?? '').split(delimiter)) {
    if (binDir !== '' && await hasAll(binDir)) return { binDir }
  }
  return undefined
}

/** A system user's ids from /etc/passwd (Postgres refuses to run as root: it runs as this user then). */
async function systemUser (name: string): Promise<{ name: string, uid: number, gid: number } | undefined> {
  const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '')
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':')
    if (user === name && uid !== undefined && gid !== undefined) return { name, uid: Number(uid), gid: Number(gid) }
  }
  return undefined
}

/** Whether a throwaway server can be started here and, if not, why (for a test's skip message). */
export async function postgresAvailability (): Promise<PostgresAvailability> {
  const found = await findPostgresBinaries()
  if (found === undefined) {
    return { available: false, reason: `no Postgres server binaries (${BINARIES.join(', ')}) under /usr/lib/postgresql/*/bin or on PATH: install the postgresql package (.ci/run does)` }
  }
  if (process.getuid?.() !== 0) return { available: true, binDir: found.binDir }
  const user = await systemUser('postgres')
  if (user === undefined) return { available: false, reason: 'running as root, and there is no postgres system user to run the server as (Postgres refuses root)' }
  return { available: true, binDir: found.binDir, user }
}

const READY = 'database system is ready to accept connections'

/** Waits for the server's own word that it accepts connections, failing with its output if it exits first. */
async function waitUntilReady (proc: RunningProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (proc.output().includes(READY)) return
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`postgres exited before accepting connections:\n${proc.output()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`postgres did not accept connections within ${timeoutMs} ms:\n${proc.output()}`)
}

/** Fast shutdown (SIGINT: clients are disconnected, no waiting for them); immediate (SIGQUIT) if that hangs. */
async function shutdown (proc: RunningProcess): Promise<void> {
  const { child } = proc
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGINT')
  const timer = setTimeout(() => child.kill('SIGQUIT'), 10_000)
  await exited
  clearTimeout(timer)
}

/**
 * Starts a fresh server and creates `database` on it. As root the cluster's folder is given to the
 * `postgres` system user and the server runs as that user (spawned with its uid and gid, which also
 * drops root's groups), since Postgres refuses to run as root.
 */
export async function startPostgres (opts: { database?: string, timeoutMs?: number } = {}): Promise<PostgresServer> {
  const availability = await postgresAvailability()
  if (!availability.available) throw new Error(availability.reason)
  const { binDir, user } = availability
  const database = opts.database ?? 'mlbridge'
  const dir = await mkdtemp(join(tmpdir(), 'mlb-postgres-'))
  const dataDir = join(dir, 'data')
  // The server's working folder is its own (root's may be closed to the postgres user).
  const asUser = { cwd: dir, ...(user === undefined ? {} : { uid: user.uid, gid: user.gid }) }
  let proc: RunningProcess | undefined
  const stop = async (): Promise<void> => {
    if (proc !== undefined) await shutdown(proc)
    await rm(dir, { recursive: true, force: true, maxRetries: 5 })
  }
  try {
    if (user !== undefined) await chown(dir, user.uid, user.gid)
    await runCommand(join(binDir, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync'], { ...asUser, timeoutMs: 60_000 })
    const port = await freePort()
    proc = startProcess(join(binDir, 'postgres'), [
      '-D', dataDir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
      // a test's data is thrown away: nothing needs to survive a crash
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'
    ], asUser)
    await waitUntilReady(proc, opts.timeoutMs ?? 30_000)
    await runCommand(join(binDir, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', database], { ...asUser, timeoutMs: 30_000 })
    return { url: `postgresql://postgres@127.0.0.1:${port}/${database}`, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
