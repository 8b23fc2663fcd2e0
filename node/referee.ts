/**
 * `npm run referee`: the referee in a process of its own, as `npm start` forks it
 * (node/referee/process.ts). See node/referee/main.ts.
 */
import { main } from './referee/main.ts'

process.exit(await main(process.argv.slice(2), { env: process.env, cwd: process.cwd(), out: process.stdout, err: process.stderr }))
