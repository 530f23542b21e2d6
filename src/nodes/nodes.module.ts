import { Module } from '@nestjs/common';
import { NodeService } from './node.service';
import { NodesResolver } from './nodes.resolver';

/** Object identification: node(id:) and nodes(ids:) over every type implementing Node. */
@Module({
  providers: [NodeService, NodesResolver],
})
export class NodesModule {}
