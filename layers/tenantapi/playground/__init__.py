"""The API playground: Swagger UI over the OpenAPI documents and GraphiQL over /graphql, from
assets bundled at build time (no CDN), served by the metadata function."""
