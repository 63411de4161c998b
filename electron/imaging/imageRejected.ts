/** Why an image file cannot be used, in the words an import report shows. */
export class ImageRejected extends Error {
  constructor(
    readonly reason: 'corrupt' | 'unsupported' | 'too_large',
    message: string,
  ) {
    super(message);
  }
}
