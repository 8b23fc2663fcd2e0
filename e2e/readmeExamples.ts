/**
 * The README's API and SDK examples, run as written against a test stack: each fenced block that
 * follows an `<!-- example: NAME -->` line, with the local stack's fixed addresses and task 1
 * swapped for the test's.
 */
import { execFile } from 'node:child_process'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

export async function readmeExample (name: string): Promise<string> {
  const readme = await readFile('README.md', 'utf8')
  const match = new RegExp(`<!-- example: ${name} -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\`\`\``).exec(readme)
  if (match === null) throw new Error(`README.md has no example named ${name}`)
  return match[1]!
}

export interface ExampleTarget { api: string, stackFile: string, taskId: bigint }

export interface CommandOutput { command: string, code: number, out: string }

/** Each command of a shell example (continuation lines joined), run with a 10 s limit. */
export async function runShellExample (code: string, target: ExampleTarget): Promise<CommandOutput[]> {
  const commands = code.replace(/\\\n\s*/g, '').split('\n').filter((line) => line.trim() !== '')
  const outputs: CommandOutput[] = []
  for (const line of commands) {
    const command = line.replaceAll('http://127.0.0.1:42069', target.api).replaceAll('task=1&', `task=${target.taskId}&`).replace(/^curl /, 'curl -sS --max-time 10 ')
    outputs.push(await run('sh', ['-c', command], { timeout: 20_000 }).then(
      ({ stdout }) => ({ command, code: 0, out: stdout }),
      (error: { code?: number, stdout?: string, stderr?: string }) => ({ command, code: error.code ?? -1, out: `${error.stdout ?? ''}${error.stderr ?? ''}` })
    ))
  }
  return outputs
}

/** A TypeScript example, run with tsx from the repository root. */
export async function runScriptExample (code: string, target: ExampleTarget): Promise<string> {
  const script = code
    .replace("'./src/sdk/index.ts'", `'${resolve('src/sdk/index.ts')}'`)
    .replace("'.mlbridge/stack.json'", `'${target.stackFile}'`)
    .replaceAll('task: 1n', `task: ${target.taskId}n`)
  // .scratch/ is ignored by git, so a run cut short leaves the tree clean
  await mkdir('.scratch', { recursive: true })
  const file = join(resolve('.scratch'), `readme-example-${process.pid}.ts`)
  await writeFile(file, script)
  try {
    // the test runner forces colours on, which would put escape codes in what the example prints
    const { FORCE_COLOR: _force, ...env } = process.env
    const { stdout } = await run('node_modules/.bin/tsx', [file], { timeout: 60_000, env: { ...env, NO_COLOR: '1' } })
    return stdout
  } finally {
    await rm(file, { force: true })
  }
}
