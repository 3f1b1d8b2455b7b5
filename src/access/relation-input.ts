import { fieldProblem, invalidFields } from '../errors/refusal';

type RelationRef = string | { documentId?: unknown };

const refToDocumentId = (ref: unknown, field: string): string => {
  const documentId = typeof ref === 'string' ? ref : (ref as { documentId?: unknown } | null)?.documentId;
  if (typeof documentId !== 'string' || documentId.length === 0 || documentId.length > 64) {
    throw invalidFields(
      [fieldProblem(field, 'Expected a documentId, { documentId }, or { connect | set: [...] }')],
      `${field} must name entries by documentId`
    );
  }
  return documentId;
};

/**
 * The documentIds a relation value in a Strapi 5 write body points to, so rules can check them before
 * the write. Returns undefined when the field is absent and [] when it clears the relation.
 */
export function relationDocumentIds(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (value === null) return [];
  if (Array.isArray(value)) return value.map((ref) => refToDocumentId(ref, field));
  if (typeof value === 'object') {
    const shape = value as { set?: RelationRef[]; connect?: RelationRef[]; disconnect?: unknown; documentId?: unknown };
    if ('documentId' in shape) return [refToDocumentId(shape, field)];
    const refs = shape.set ?? shape.connect;
    if (refs !== undefined) {
      if (!Array.isArray(refs)) return [refToDocumentId(refs, field)];
      return refs.map((ref) => refToDocumentId(ref, field));
    }
    if ('disconnect' in shape) return [];
  }
  return [refToDocumentId(value, field)];
}
