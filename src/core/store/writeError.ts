/**
 * A failed write (a full disk, say) as an error that names the file it was writing, so the
 * user knows which disk to free; the original error's code is kept for callers that test it.
 */
export function namingFile(error: unknown, file: string): unknown {
  if (!(error instanceof Error) || error.message.includes(file)) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOSPC' ? 'the disk is full' : code === 'EDQUOT' ? 'the disk quota is used up' : error.message;
  const named = new Error(`cannot write ${file}: ${reason}`, { cause: error }) as NodeJS.ErrnoException;
  if (code !== undefined) named.code = code;
  return named;
}
