import { BadRequestException } from '@nestjs/common';
import { InvalidCursorError } from '@vigil/store';

/** A cursor the API did not hand out is the caller's mistake: 400 naming the field. */
export async function paged<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new BadRequestException({ error: 'invalid_request', issues: [{ path: 'cursor', message: error.message }] });
    throw error;
  }
}
