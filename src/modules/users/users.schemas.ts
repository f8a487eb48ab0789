import { Type } from '@sinclair/typebox';
import { Nullable } from '../../http/schemas.ts';

/** A user of an account: who picks, closes, purchases, receives (reference 7, 9.1, 10.2). */
export const User = Type.Object({
  iduser: Type.Integer(),
  username: Type.String(),
  firstname: Nullable(Type.String()),
  lastname: Nullable(Type.String()),
  emailaddress: Nullable(Type.String()),
  active: Type.Boolean(),
  created: Type.String(),
  updated: Type.String(),
});
