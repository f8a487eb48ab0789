import type { Services } from '../../services.ts';

/**
 * POST /backorders/process as a job: the orders service's process-all, unchanged, reporting after
 * each committed batch of orders. The total is counted first (orders with available backorders);
 * stock arriving meanwhile may add orders, so the total grows with what is done when needed.
 * The result is the number and ids of the picklists made (the picklists themselves are at
 * GET /picklists/{id}: 100,000 backorders can make 10,000 of them).
 */
export async function processBackordersAsJob(
  services: Pick<Services, 'jobs' | 'orders' | 'handle'>,
  idaccount: number,
) {
  const total = await services.jobs.ordersWithAvailableBackorders(services.handle.db, idaccount);
  return services.jobs.start(idaccount, 'backorders.process', async (progress) => {
    let done = 0;
    progress(0, total);
    const picklists = await services.orders.processAllBackorders(idaccount, async (orders) => {
      done += orders;
      progress(done, Math.max(total, done));
    });
    return { picklists: picklists.length, idpicklists: picklists.map((p) => p.idpicklist) };
  });
}
