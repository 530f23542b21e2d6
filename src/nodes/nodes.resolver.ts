import { Args, Context, ID, Query, Resolver } from '@nestjs/graphql';
import { Node, nullWhenAbsent } from '../common/node';
import { RequestLoaders } from '../common/request-loaders';
import { NodeService } from './node.service';

@Resolver(() => Node)
export class NodesResolver {
  constructor(private readonly nodeService: NodeService) {}

  @Query(() => Node, { nullable: true, description: nullWhenAbsent('Anything with an id (an incident, an actor, a statement …), whatever its type.') })
  async node(@Args('id', { type: () => ID }) id: string, @Context('loaders') loaders: RequestLoaders) {
    const [node] = await this.nodeService.nodes([id], loaders);
    return node;
  }

  @Query(() => [Node], {
    nullable: 'items',
    description: 'The nodes of these ids (at most 200), in the same order; null, with a NOT_FOUND error entry, for an id that names nothing.',
  })
  nodes(@Args('ids', { type: () => [ID] }) ids: string[], @Context('loaders') loaders: RequestLoaders) {
    return this.nodeService.nodes(ids, loaders);
  }
}
