/** One broken rule: the field path (`address.postalCode`) and the rule text (`must be 5 digits`). */
export interface Violation {
  readonly field: string;
  readonly rule: string;
}

/**
 * The one error type for a broken domain rule. The HTTP edge maps it to 400, the event consumer to a
 * dead-letter reason; both read `violations`, which holds every problem found (at least one).
 */
export class DomainValidationError extends Error {
  readonly violations: readonly Violation[];

  constructor(
    readonly field: string,
    readonly rule: string,
    violations: readonly Violation[] = [{ field, rule }],
  ) {
    super(violations.map((v) => `${v.field}: ${v.rule}`).join('; '));
    this.name = new.target.name;
    this.violations = violations;
  }
}

/** Several violations reported at once, so an API caller can fix every problem in one go. */
export class ValidationErrors extends DomainValidationError {
  constructor(violations: readonly Violation[]) {
    if (violations.length === 0) throw new RangeError('ValidationErrors needs at least one violation');
    super(violations[0].field, violations[0].rule, violations);
  }
}

/** Throws when the list is not empty: a DomainValidationError for one violation, ValidationErrors for more. */
export function throwIfViolations(violations: readonly Violation[]): void {
  if (violations.length === 1) throw new DomainValidationError(violations[0].field, violations[0].rule);
  if (violations.length > 1) throw new ValidationErrors(violations);
}
