import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import { VitePWA } from 'vite-plugin-pwa'
import { networkConfigPlugin } from './node/viteNetworkConfig.ts'
import { securityHeadersPlugin } from './node/viteSecurityHeaders.ts'

export default defineConfig({
  plugins: [
    react(),
    securityHeadersPlugin(),
    networkConfigPlugin(),
    VitePWA({
      registerType: 'autoUpdate',
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
        // The network config differs per deployment and must never be served stale.
        navigateFallbackDenylist: [/^\/mlbridge\.config\.json$/],
        // The WASM runtimes (ONNX Runtime's is 28 MB) are fetched when first used and cached then,
        // so installing the app does not download every backend up front.
        globIgnores: ['mlbridge.config.json', '**/*.wasm'],
        maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
        runtimeCaching: [{
          urlPattern: ({ url }) => url.pathname.endsWith('.wasm'),
          handler: 'CacheFirst',
          options: { cacheName: 'mlbridge-wasm', expiration: { maxEntries: 16 } }
        }]
      }
    })
  ],
  worker: { format: 'es' },
  optimizeDeps: {
    // The trainer and evaluator workers are not reachable from index.html: without this, Vite
    // discovers their dependencies late and reloads the page in the middle of a session.
    include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu', 'comlink'],
    // ONNX Runtime is ESM already; pre-bundling would move it away from its own files.
    exclude: ['onnxruntime-web']
  },
  // The manifest lets the size budget and the service worker tell the first load from lazy chunks.
  build: { target: 'es2022', sourcemap: true, manifest: true },
  server: { strictPort: true }
})
