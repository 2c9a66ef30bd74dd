import type { AvroRecordSchema } from './event-schemas';

/** Namespace of every delivery record: `de.regsync.delivery.<register in lower case>`. */
export const DELIVERY_NAMESPACE = 'de.regsync.delivery';

/** Whether a writer schema's record is a delivery (a projection), not a full event. */
export function isDeliverySchema(schema: { namespace?: string }): boolean {
  return schema.namespace?.startsWith(`${DELIVERY_NAMESPACE}.`) ?? false;
}

/**
 * The schema of an event cut to what one recipient register may receive: the envelope and `fields`, in the event
 * schema's order, as record `de.regsync.delivery.<register>.<EventType>`. Bytes written with it carry no other field, so
 * a recipient cannot read what its legal basis does not allow. A named type (Address, Sex) defined in a left-out field
 * is defined where a kept field first uses it.
 */
export function deliverySchemaOf(eventSchema: AvroRecordSchema, recipientRegister: string, fields: readonly string[]): AvroRecordSchema {
  const definitions = new Map<string, Record<string, unknown>>();
  collectDefinitions(eventSchema.fields.map((field) => field.type), eventSchema.namespace, definitions);
  const defined = new Set<string>();
  const kept = eventSchema.fields.filter((field) => field.name === 'envelope' || fields.includes(field.name));
  return {
    type: 'record',
    name: eventSchema.name,
    namespace: `${DELIVERY_NAMESPACE}.${recipientRegister.toLowerCase()}`,
    doc: `${eventSchema.namespace}.${eventSchema.name} as delivered to ${recipientRegister}: the fields of its route only`,
    fields: kept.map((field) => ({ ...field, type: withDefinitions(field.type, eventSchema.namespace, definitions, defined) })),
  };
}

const NAMED = ['record', 'enum', 'fixed'];

function fullNameOf(name: string, namespace: string | undefined): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

function namespaceOf(fullName: string): string {
  return fullName.slice(0, Math.max(0, fullName.lastIndexOf('.')));
}

function collectDefinitions(types: unknown[], namespace: string, into: Map<string, Record<string, unknown>>): void {
  for (const type of types) {
    if (Array.isArray(type)) collectDefinitions(type, namespace, into);
    else if (typeof type === 'object' && type !== null) {
      const schema = type as Record<string, unknown>;
      const inner = NAMED.includes(schema.type as string) ? (schema.namespace as string | undefined) ?? namespace : namespace;
      if (NAMED.includes(schema.type as string)) into.set(fullNameOf(schema.name as string, inner), schema);
      if (schema.type === 'record') collectDefinitions((schema.fields as { type: unknown }[]).map((field) => field.type), inner, into);
      if (schema.type === 'array') collectDefinitions([schema.items], namespace, into);
      if (schema.type === 'map') collectDefinitions([schema.values], namespace, into);
    }
  }
}

/** The type with every named type defined at its first use and referenced by full name after that. */
function withDefinitions(type: unknown, namespace: string, definitions: Map<string, Record<string, unknown>>, defined: Set<string>): unknown {
  if (typeof type === 'string') {
    const fullName = fullNameOf(type, namespace);
    const definition = definitions.get(fullName);
    if (!definition || defined.has(fullName)) return definitions.has(fullName) ? fullName : type;
    return withDefinitions(definition, namespaceOf(fullName), definitions, defined);
  }
  if (Array.isArray(type)) return type.map((branch) => withDefinitions(branch, namespace, definitions, defined));
  if (typeof type !== 'object' || type === null) return type;
  const schema = type as Record<string, unknown>;
  if (NAMED.includes(schema.type as string)) {
    const fullName = fullNameOf(schema.name as string, (schema.namespace as string | undefined) ?? namespace);
    if (defined.has(fullName)) return fullName;
    defined.add(fullName);
    const inner = namespaceOf(fullName);
    const explicit = { ...schema, name: fullName.slice(inner.length + 1), namespace: inner };
    if (schema.type !== 'record') return explicit;
    const fields = schema.fields as { type: unknown }[];
    return { ...explicit, fields: fields.map((field) => ({ ...field, type: withDefinitions(field.type, inner, definitions, defined) })) };
  }
  if (schema.type === 'array') return { ...schema, items: withDefinitions(schema.items, namespace, definitions, defined) };
  if (schema.type === 'map') return { ...schema, values: withDefinitions(schema.values, namespace, definitions, defined) };
  return schema;
}
