/** The SWIM states of a member, as in the Rust reference. */
export const MemberState = {
  /** Responding to probes. */
  Alive: 'Alive',
  /** Failed a probe; others may still refute the suspicion. */
  Suspect: 'Suspect',
  /** Confirmed failed (or left). */
  Dead: 'Dead',
} as const;

/** One of the values of {@link MemberState}. */
export type MemberState = (typeof MemberState)[keyof typeof MemberState];
