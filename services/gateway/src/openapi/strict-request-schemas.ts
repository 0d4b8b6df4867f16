import type { OpenAPIObject } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

const COMPONENT_PREFIX = '#/components/schemas/';

/**
 * Marks every object schema a request body uses (through $ref, allOf/oneOf, properties, items)
 * `additionalProperties: false`, unless it says otherwise: the gateway validates bodies strictly
 * (forbidNonWhitelisted), so a client or fuzzer must not be told that extra fields are fine.
 */
export function requireStrictRequestSchemas(document: OpenAPIObject): void {
  const components = document.components?.schemas ?? {};
  const seen = new Set<object>();
  const visit = (schema: unknown): void => {
    if (schema === null || typeof schema !== 'object' || seen.has(schema)) return;
    seen.add(schema);
    const node = schema as SchemaObject & { $ref?: string };
    if (node.$ref?.startsWith(COMPONENT_PREFIX)) {
      visit(components[node.$ref.slice(COMPONENT_PREFIX.length)]);
      return;
    }
    if (node.properties && node.additionalProperties === undefined) node.additionalProperties = false;
    for (const child of Object.values(node.properties ?? {})) visit(child);
    for (const child of [...(node.allOf ?? []), ...(node.oneOf ?? []), ...(node.anyOf ?? [])]) visit(child);
    visit(node.items);
  };
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem)) {
      const body = (operation as { requestBody?: { content?: Record<string, { schema?: unknown }> } })
        .requestBody;
      for (const media of Object.values(body?.content ?? {})) visit(media.schema);
    }
  }
}
