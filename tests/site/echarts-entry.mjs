// The part of ECharts the public site draws with: the Sankey chart of the
// dashboard, its tooltip and aria description, label overlap hiding, the
// canvas renderer. `npm run vendor` bundles this file with esbuild into
// public-site/vendor/echarts-sankey-<version>.min.js (about a third of the
// full echarts.min.js once gzipped), which sets globalThis.echarts.
import * as echarts from 'echarts/core';
import { SankeyChart } from 'echarts/charts';
import { TooltipComponent, AriaComponent } from 'echarts/components';
import { LabelLayout } from 'echarts/features';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([SankeyChart, TooltipComponent, AriaComponent, LabelLayout, CanvasRenderer]);
globalThis.echarts = echarts;
