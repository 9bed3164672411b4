// Time is injected: rules take dates as arguments, services ask the clock, tests fix it.
export interface Clock {
  now(): Date
  /** Today's date in England as 'YYYY-MM-DD'. */
  today(): string
}

const londonDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

export function isoDateInLondon(instant: Date): string {
  return londonDate.format(instant)
}

export const systemClock: Clock = {
  now: () => new Date(),
  today: () => isoDateInLondon(new Date()),
}

/** A clock stopped at an instant; `today` is that instant's date in England. */
export function fixedClock(instant: string | Date): Clock & { set(to: string | Date): void } {
  let at = new Date(instant)
  return {
    now: () => new Date(at),
    today: () => isoDateInLondon(at),
    set(to) {
      at = new Date(to)
    },
  }
}
