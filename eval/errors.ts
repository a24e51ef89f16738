/** Input the suite cannot use (arguments, question sets, results or threshold files): exit status 2. */
export class InputError extends Error {
  override name = 'InputError';
}
