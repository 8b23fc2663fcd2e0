/** Hands bytes to the browser as a file download. */
export function saveFile (data: Uint8Array | string, fileName: string, type: string): void {
  const blob = new Blob([typeof data === 'string' ? data : data.slice()], { type })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  document.body.append(a)
  a.click()
  a.remove()
  // The click has started the download; the URL is no longer needed once it has been read.
  setTimeout(() => { URL.revokeObjectURL(url) }, 60_000)
}
