import type { z } from 'zod'
import { ConflictError, ValidationError, type FieldError } from '../errors.ts'

/** Parses input with a zod schema, or throws a ValidationError naming each field in order. */
export function parseOrThrow<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw new ValidationError(toFieldErrors(result.error))
}

export function toFieldErrors(error: z.ZodError): FieldError[] {
  const seen = new Set<string>()
  const errors: FieldError[] = []
  for (const issue of error.issues) {
    const field = issue.path.join('.') || 'form'
    if (seen.has(field)) continue
    seen.add(field)
    errors.push({ field, message: issue.message })
  }
  return errors
}

/** The shapes govuk-frontend's error summary and field errorMessage params expect. */
export function errorSummary(errors: FieldError[]) {
  return {
    errorList: errors.map(e => ({ text: e.message, href: `#${e.field}` })),
    fieldErrors: Object.fromEntries(errors.map(e => [e.field, { text: e.message }])) as Record<
      string,
      { text: string }
    >,
  }
}

/**
 * A save refused for its input (400, with the error summary) or because someone else saved first (409,
 * `conflict` for the page to say so beside the latest): the status and what the form page needs to
 * show it again with what was typed. Rethrows any other error.
 */
export function refusal(
  error: unknown,
): { status: 400 | 409; conflict: boolean } & Partial<ReturnType<typeof errorSummary>> {
  if (error instanceof ValidationError) return { status: 400, conflict: false, ...errorSummary(error.errors) }
  if (error instanceof ConflictError) return { status: 409, conflict: true }
  throw error
}
