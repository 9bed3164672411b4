// Errors a service throws for the web layer to turn into the right page or status.

/** Also used when a record exists but the actor may not see it, so its existence is not revealed. */
export class NotFoundError extends Error {
  constructor(message = 'Not found') {
    super(message)
    this.name = 'NotFoundError'
  }
}

export class ForbiddenError extends Error {
  constructor(message = 'You do not have permission to do this') {
    super(message)
    this.name = 'ForbiddenError'
  }
}

export type FieldError = { field: string; message: string }

export class ValidationError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(errors.map(e => `${e.field}: ${e.message}`).join('; '))
    this.name = 'ValidationError'
  }
}

/** Someone else changed the record since it was read: refuse rather than overwrite. */
export class ConflictError extends Error {
  constructor(
    message = 'This record was changed by someone else',
    readonly latest?: unknown,
  ) {
    super(message)
    this.name = 'ConflictError'
  }
}
