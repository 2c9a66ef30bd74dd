import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { readFileSync } from 'node:fs';

/** uPlot (MIT) as installed in node_modules: read once, served by the dashboard itself, so the page loads nothing from elsewhere. */
const UPLOT = {
  script: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
  style: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
};

/** The chart library of the page; public like any static file (it holds no data). */
@ApiExcludeController()
@Controller('assets')
export class ChartAssetsController {
  @Get('uplot.min.js')
  script(@Res() response: Response): void {
    response.type('text/javascript').setHeader('Cache-Control', 'public, max-age=86400').send(UPLOT.script);
  }

  @Get('uplot.min.css')
  style(@Res() response: Response): void {
    response.type('text/css').setHeader('Cache-Control', 'public, max-age=86400').send(UPLOT.style);
  }
}
