import type { Actor } from '../actor.ts'
import type { Session } from './session.ts'

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      session: Session | null
      sessionId: string | null
      actor: Actor | null
    }
  }
}
