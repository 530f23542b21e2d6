import type { ApolloDriverConfig } from '@nestjs/apollo';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';

/**
 * GraphiQL at GET /graphql (Accept: text/html), from an npm package rather than a CDN.
 * @graphql-yoga/render-graphiql ships GraphiQL 5 (React, Monaco and its workers) inside the
 * page it renders, so the IDE needs nothing but this server: it works on a machine with no
 * internet. @nestjs/apollo's own GraphiQL (`graphiql: true`) loads its scripts from unpkg.com.
 */
/** Apollo's plugin type as @nestjs/apollo (an ES module) sees it. */
type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

export function offlineGraphiQL(endpoint: string): ApolloPlugin {
  // Rendered once: about 9 MB of inlined scripts that never change while the server runs.
  const html = renderGraphiQL({
    endpoint,
    title: 'Attribution Tracker GraphiQL',
    // POST with JSON for every operation: Apollo's CSRF prevention refuses a GET without a preflight header.
    method: 'POST',
    defaultQuery: DEFAULT_QUERY,
  });
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html };
        },
      };
    },
  };
}

const DEFAULT_QUERY = `# Attribution Tracker: press the run button (or Ctrl-Enter).
# The docs panel lists every query; docs/api.md explains paging and errors.
{
  threatActorByName(name: "Fancy Bear") {
    name
    aliases { name }
    ancestors { name }
  }
}
`;
