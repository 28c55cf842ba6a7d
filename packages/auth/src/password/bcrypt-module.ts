/** The two functions of `@node-rs/bcrypt` the bcrypt hasher uses. */
export interface BcryptModule {
  hash(password: string, cost: number): Promise<string>
  verify(password: string, hash: string): Promise<boolean>
}
