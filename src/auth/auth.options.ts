export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');

export interface AuthOptions {
  /** Anonymous callers may read (PUBLIC_READ, on by default: the data is the public record). */
  publicRead: boolean;
}
