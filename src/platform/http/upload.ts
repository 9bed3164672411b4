import type { Request, Response } from 'express'
import multer from 'multer'
import { requireCsrf } from './csrf.ts'

/**
 * A file upload field (`file`) held in memory up to the size limit. A zip archive (an .xlsx is one) is
 * refused unless the importer reads zips itself, with its own cap on what they unpack to.
 */
export function fileUpload(limitBytes: number, { acceptZip = false } = {}) {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: limitBytes, files: 1, fields: 5, fieldSize: 1024, parts: 6 },
  }).single('file')
  return {
    /**
     * Parses the multipart body, then checks its CSRF token (the app-level check cannot read a body
     * not yet parsed). Resolves with multer's error, such as a file over the limit, a zip archive's
     * refusal, or null.
     */
    async receive(req: Request, res: Response): Promise<unknown> {
      const error = await new Promise<unknown>(resolve => upload(req, res, (e: unknown) => resolve(e ?? null)))
      await checkCsrf(req, res)
      if (!error && !acceptZip && req.file && isZipArchive(req.file.buffer)) return { code: 'ZIP_ARCHIVE' }
      return error
    },
  }
}

export function checkCsrf(req: Request, res: Response): Promise<void> {
  return new Promise<void>((resolve, reject) => requireCsrf(req, res, error => (error ? reject(error) : resolve())))
}

/** A zip archive (an .xlsx is one), known by its signature without reading further, so nothing is inflated. */
export function isZipArchive(buffer: Buffer): boolean {
  return buffer.length >= 4 && buffer[0] === 0x50 && buffer[1] === 0x4b && [3, 5, 7].includes(buffer[2]!)
}

/** Bytes to text, refusing anything that is not UTF-8 rather than importing mangled names. */
export function utf8(buffer: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer)
  } catch {
    return null
  }
}

export function megabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`
}
