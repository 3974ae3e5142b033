// Generates twenty-client-sdk's typed core client from a running server, then runs one query
// through it, as an application built with the SDK would.
//
//   TWENTY_CLIENT_SDK_DIR  the npm prefix twenty-client-sdk is installed under
//   TWENTY_API_URL         the server (the SDK's clients post to `${TWENTY_API_URL}/metadata` and `/graphql`)
//   TWENTY_API_KEY         the key the SDK's clients send as a Bearer token
//   OUTPUT_DIR             where the generated client is written (a fresh temporary directory)
//
// Prints one JSON line: {"sdlLength": n, "people": <the query's result>}.

import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// Twenty's standard application: any identifier gets the workspace's schema here.
const APPLICATION = '20202020-64aa-4b6f-b003-9c74b97cee20';

const required = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const sdkDir = required('TWENTY_CLIENT_SDK_DIR');
const outputDir = required('OUTPUT_DIR');
required('TWENTY_API_URL');
required('TWENTY_API_KEY');

const resolveFromSdk = createRequire(path.join(path.resolve(sdkDir), 'package.json'));
const load = (specifier) => import(pathToFileURL(resolveFromSdk.resolve(specifier)).href);

// 1. The SDL, through the SDK's own metadata client (the query its CLI sends before generating).
const { MetadataApiClient } = await load('twenty-client-sdk/metadata');
const metadata = new MetadataApiClient();
const { applicationCoreGraphqlSchema: sdl } = await metadata.query({
  applicationCoreGraphqlSchema: { __args: { applicationUniversalIdentifier: APPLICATION } },
});
if (typeof sdl !== 'string' || sdl.length === 0) throw new Error('applicationCoreGraphqlSchema gave no SDL');

// 2. The typed core client, with the SDK's generator (genql, then an esbuild bundle).
const { generateCoreClientFromSchema } = await load('twenty-client-sdk/generate');
await generateCoreClientFromSchema({ schema: sdl, outputPath: outputDir });

// 3. One query through the generated client (it posts to `${TWENTY_API_URL}/graphql`).
const { CoreApiClient } = await import(pathToFileURL(path.join(outputDir, 'index.mjs')).href);
const core = new CoreApiClient();
const result = await core.query({
  people: { edges: { node: { id: true, name: { firstName: true } } } },
});

process.stdout.write(`${JSON.stringify({ sdlLength: sdl.length, people: result.people })}\n`);
