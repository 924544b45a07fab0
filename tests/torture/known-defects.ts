/** Corpus cases that fail because of a defect still open; each has a failing test in defects.test.ts. */
export const KNOWN_DEFECTS = new Set<string>([])
