/**
 * zod without its JIT, for every schema in the app: the JIT compiles parsers with `new Function`,
 * which the page's Content-Security-Policy forbids (node/securityHeaders.ts), and zod's mere probe
 * for it is reported as a violation. Schemas are built when their module loads, so this must run
 * before any of them: import `z` from here, never from 'zod' (the lint config enforces it).
 */
import { z } from 'zod'

z.config({ jitless: true })

export { z }
