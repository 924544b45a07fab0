/** ISO-8601 text of Dates for the per-record path of destinations. */

const MILLIS = Array.from({ length: 1000 }, (_, ms) => String(ms).padStart(3, '0'))

/**
 * `YYYY-MM-DDTHH:MM:SS.mmm` + `suffix` without one `toISOString` per call: a page shares its Date
 * objects (extracted/loaded), and source timestamps mostly share their second.
 * `new IsoCache('000+00:00')` gives the file envelope's form, `new IsoCache('Z')` toISOString's.
 */
export class IsoCache {
  private date: Date | undefined
  private text = ''
  private second = Number.NaN
  private prefix = ''

  constructor(private readonly suffix: string) {}

  format(date: Date): string {
    if (date === this.date) return this.text
    const ms = date.getTime()
    const second = Math.floor(ms / 1000)
    if (second !== this.second) {
      if (Number.isNaN(ms)) throw new RangeError('Invalid Date')
      this.second = second
      this.prefix = new Date(second * 1000).toISOString().slice(0, -4)
    }
    this.date = date
    this.text = `${this.prefix}${MILLIS[ms - second * 1000]}${this.suffix}`
    return this.text
  }
}
