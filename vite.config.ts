import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import { VitePWA } from 'vite-plugin-pwa'
import { networkConfigPlugin } from './node/viteNetworkConfig.ts'
import { securityHeadersPlugin } from './node/viteSecurityHeaders.ts'
import { shellPrecache } from './node/viteShellPrecache.ts'

const shell = shellPrecache()

export default defineConfig(({ command }) => ({
  plugins: [
    react(),
    securityHeadersPlugin(),
    networkConfigPlugin(),
    shell.plugin,
    VitePWA({
      registerType: 'autoUpdate',
      // The dev server (what `npm start` serves) registers a service worker and links the manifest
      // too, so the local app installs like a deployed one. That worker answers nothing from a
      // cache: pages (each with its own CSP nonce), modules and data all come from the dev server.
      devOptions: { enabled: true, suppressWarnings: true, disableRuntimeConfig: true },
      includeAssets: ['icon.svg'],
      manifest: {
        name: 'ML Bridge',
        short_name: 'ML Bridge',
        description: 'Lend your browser GPU to train machine-learning models, verified and paid on-chain.',
        theme_color: '#0f172a',
        background_color: '#0f172a',
        display: 'standalone',
        start_url: '/',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' }
        ]
      },
      workbox: {
        // offline, the built app's shell answers every navigation; the dev server's worker none
        navigateFallback: command === 'build' ? 'index.html' : null,
        // The network config differs per deployment and must never be served stale.
        navigateFallbackDenylist: [/^\/mlbridge\.config\.json$/],
        globIgnores: ['mlbridge.config.json', '**/*.wasm'],
        // Installing precaches the shell only (the first load, icons, manifest); lazy chunks, the
        // workers and the WASM runtimes (ONNX Runtime's is 28 MB) are cached when first used.
        manifestTransforms: [shell.transform],
        runtimeCaching: [{
          // hashed names: a cached copy is never stale
          urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/assets/'),
          handler: 'CacheFirst',
          options: { cacheName: 'mlbridge-assets', expiration: { maxEntries: 200 } }
        }, {
          // fixed names (the bundled data sets): served from the cache, refreshed behind it
          urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/data/'),
          handler: 'StaleWhileRevalidate',
          options: { cacheName: 'mlbridge-data', expiration: { maxEntries: 16 } }
        }]
      }
    })
  ],
  worker: { format: 'es' },
  optimizeDeps: {
    // The trainer, evaluator and table workers are not reachable from index.html: without this,
    // Vite discovers their dependencies late and reloads the page in the middle of a session.
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'comlink', 'papaparse', '@noble/hashes/sha3.js', 'hash-wasm'],
    // ONNX Runtime is ESM already; pre-bundling would move it away from its own files.
    exclude: ['onnxruntime-web']
  },
  // The manifest lets the size budget and the service worker tell the first load from lazy chunks.
  build: { target: 'es2022', sourcemap: true, manifest: true },
  server: { strictPort: true }
}))
