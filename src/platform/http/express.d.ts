import type { Actor } from '../actor.ts'
import type { Session } from './session.ts'

declare global {
  namespace Express {
    interface Request {
      session: Session | null
      sessionId: string | null
      actor: Actor | null
    }
  }
}
