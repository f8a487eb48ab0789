import cliProgress from 'cli-progress';

/** Shows progress of long CLI work on stderr (stdout keeps the JSON answer). */
export interface ProgressView {
  update(done: number, total: number): void;
  stop(): void;
}

/**
 * A progress bar with rate and ETA when stderr is a terminal; otherwise plain lines, at most one
 * per tenth of the work (logs and CI output stay short).
 */
export function progressView(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressView {
  const started = Date.now();
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {rate}/s | ETA {eta_formatted}`,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let begun = false;
    return {
      update(done, total) {
        const rate = Math.round(done / Math.max((Date.now() - started) / 1000, 0.001));
        if (!begun) {
          bar.start(total, done, { rate });
          begun = true;
        } else {
          bar.setTotal(total);
          bar.update(done, { rate });
        }
      },
      stop: () => bar.stop(),
    };
  }
  let lastTenth = -1;
  return {
    update(done, total) {
      const tenth = total === 0 ? 10 : Math.floor((10 * done) / total);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      const seconds = (Date.now() - started) / 1000;
      const rate = done / Math.max(seconds, 0.001);
      const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
      stream.write(
        `${label}: ${done}/${total} (${total === 0 ? 100 : Math.round((100 * done) / total)}%), ${Math.round(rate)}/s, ETA ${eta} s\n`,
      );
    },
    stop() {},
  };
}
