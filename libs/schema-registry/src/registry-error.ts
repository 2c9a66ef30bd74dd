/** An error the registry answers with Confluent's status and body: `{"error_code": 40401, "message": "Subject not found."}`. */
export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }

  static subjectNotFound(): RegistryError {
    return new RegistryError(404, 40401, 'Subject not found.');
  }

  static versionNotFound(): RegistryError {
    return new RegistryError(404, 40402, 'Version not found.');
  }

  static schemaNotFound(): RegistryError {
    return new RegistryError(404, 40403, 'Schema not found.');
  }

  static subjectSoftDeleted(subject: string): RegistryError {
    return new RegistryError(404, 40404, `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`);
  }

  static subjectNotSoftDeleted(subject: string): RegistryError {
    return new RegistryError(404, 40405, `Subject '${subject}' was not deleted first before being permanently deleted`);
  }

  static versionSoftDeleted(subject: string, version: number): RegistryError {
    return new RegistryError(404, 40406, `Subject '${subject}' Version ${version} was soft deleted. Set permanent=true to delete permanently`);
  }

  static versionNotSoftDeleted(subject: string, version: number): RegistryError {
    return new RegistryError(404, 40407, `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`);
  }

  static subjectLevelCompatibilityNotConfigured(subject: string): RegistryError {
    return new RegistryError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`);
  }

  static incompatibleSchema(subject: string, level: string, messages: string[]): RegistryError {
    return new RegistryError(409, 409, `Schema being registered is incompatible with an earlier schema for subject "${subject}" (compatibility ${level}), details: [${messages.join('; ')}]`);
  }

  static invalidSchema(detail: string): RegistryError {
    return new RegistryError(422, 42201, `Invalid schema: ${detail}`);
  }

  static invalidVersion(version: string): RegistryError {
    return new RegistryError(422, 42202, `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`);
  }

  static subjectLevelModeNotConfigured(subject: string): RegistryError {
    return new RegistryError(404, 40409, `Subject '${subject}' does not have subject-level mode configured`);
  }

  static invalidMode(detail: string): RegistryError {
    return new RegistryError(422, 42204, `Invalid mode: ${detail}`);
  }

  static readOnlyMode(subject: string): RegistryError {
    return new RegistryError(422, 42205, `Subject ${subject} is in read-only mode`);
  }

  /** Like Confluent's basic auth: no or a wrong credential for a write (or any wrong credential). */
  static unauthorized(detail: string): RegistryError {
    return new RegistryError(401, 40101, `Unauthorized: ${detail}`);
  }

  /** An authenticated user whose role may not write (Confluent's RBAC answer). */
  static forbidden(username: string, operation: string): RegistryError {
    return new RegistryError(403, 40301, `User ${username} is denied operation ${operation}: read-only credential`);
  }

  static invalidCompatibilityLevel(): RegistryError {
    return new RegistryError(422, 42203, 'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive');
  }
}
