// /metrics in the Prometheus text format from OpenTelemetry's own Prometheus exporter, pulled from the
// meter provider on each scrape on the process's health port (no second listener): what Prometheus,
// the Kubernetes HPA (via prometheus-adapter) and the Grafana board (docs/grafana/) read.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';

export class PrometheusReader extends PrometheusExporter {
  constructor() {
    // The health server serves it; the exporter's own listener stays off.
    super({ preventServerStart: true, withoutScopeInfo: true });
  }

  // The text a scrape gets (tests and the operator's own route).
  async render(): Promise<string> {
    return new Promise((resolve, reject) => {
      let text = '';
      const res = {
        statusCode: 0,
        setHeader() {},
        end(body: string) {
          text = body;
          resolve(text);
        },
      } as unknown as ServerResponse;
      try {
        this.getMetricsRequestHandler({} as IncomingMessage, res);
      } catch (e) {
        reject(e);
      }
    });
  }

  // A /metrics route for the health server.
  handler(): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => this.getMetricsRequestHandler(req, res);
  }
}
