/** `npm run audit -- --task N …`: see node/audit/main.ts. */
import { main } from './audit/main.ts'

process.exit(await main(process.argv.slice(2), { env: process.env, cwd: process.cwd(), out: process.stdout, err: process.stderr }))
