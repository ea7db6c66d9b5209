import { sv } from '../../domain/catalog';
import { Csrf, Layout, type PageContext } from './layout';
import type { RegistryUnitView } from './registry';

/** The step between a unit's page and its deletion: one question, one button, and the way back. */
export function UnitDeletePage(props: { ctx: PageContext; unit: RegistryUnitView; agencyName: string }) {
  const { ctx, unit } = props;
  const u = sv.admin.unit;
  const unitPath = `${ctx.base}/administration/registret/enheter/${encodeURIComponent(unit.code)}`;
  return (
    <Layout ctx={{ ...ctx, current: 'registry' }} title={u.removeTitle(unit.name)}>
      <h1 id="ta-bort-enhet">{u.removeTitle(unit.name)}</h1>
      <p>{u.removeWhat(unit.name, unit.code, props.agencyName)}</p>
      <p>{u.removeCheck}</p>
      <form method="post" action={`${unitPath}/ta-bort`} aria-labelledby="ta-bort-enhet">
        <Csrf ctx={ctx} />
        <p class="actions">
          <button type="submit">{u.removeConfirm}</button>
        </p>
      </form>
      <p>
        <a href={unitPath}>{u.removeCancel}</a>
      </p>
    </Layout>
  );
}
