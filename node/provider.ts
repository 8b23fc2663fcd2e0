/**
 * `npm run provider -- --key-file FILE [--rpc URL] [--relay MULTIADDR] [--task ID] …`: a headless
 * provider. See node/provider/args.ts for the flags.
 */
import { main } from './provider/main.ts'

process.exit(await main(process.argv.slice(2), { env: process.env, cwd: process.cwd(), out: process.stdout, err: process.stderr }))
