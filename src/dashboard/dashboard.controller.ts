import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// The built app is CommonJS in dist/src/dashboard, where `nest build` copies public/ (nest-cli.json
// "assets"); the tests run these sources as ES modules from the project root, without __dirname.
const HERE = typeof __dirname === 'string' ? __dirname : join(process.cwd(), 'src', 'dashboard');
const PUBLIC = join(HERE, 'public');

/** Chart.js's browser (UMD) build, served from node_modules: no bundling step, no CDN. */
const CHART_JS = join(dirname(createRequire(join(HERE, 'dashboard.controller.js')).resolve('chart.js')), 'chart.umd.min.js');

/** The only files served: a fixed list, so no request can name another path. */
const ASSETS: Record<string, { path: string; type: string }> = {
  'dashboard.js': { path: join(PUBLIC, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  'dashboard.css': { path: join(PUBLIC, 'dashboard.css'), type: 'text/css; charset=utf-8' },
  'chart.umd.min.js': { path: CHART_JS, type: 'text/javascript; charset=utf-8' },
};

/** The dashboard page: static files that read the public GraphQL API (POST /graphql) like any client. */
@Controller('dashboard')
export class DashboardController {
  @Get()
  @Header('Cache-Control', 'no-cache')
  page(@Res() reply: FastifyReply): void {
    reply.type('text/html; charset=utf-8').send(createReadStream(join(PUBLIC, 'index.html')));
  }

  @Get('assets/:file')
  @Header('Cache-Control', 'no-cache')
  asset(@Param('file') file: string, @Res() reply: FastifyReply): void {
    const asset = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (!asset) {
      reply.status(404).type('text/plain; charset=utf-8').send(`No dashboard asset ${JSON.stringify(file)}`);
      return;
    }
    reply.type(asset.type).send(createReadStream(asset.path));
  }
}
