import { sv } from '../../domain/catalog';
import { updateAgencyBody } from '../../api/schemas';
import { Csrf, Layout, type PageContext } from './layout';
import { ErrorSummary, Field, Notice, type FieldSpec, type RegistryFormErrors, type RegistryView } from './registry';

const t = sv.admin.registry;
const a = sv.admin.agency;
// The name's limits are the operation's own, so the form and the API cannot drift apart.
const nameRules = updateAgencyBody.shape.name;
const renameFields: FieldSpec[] = [{ name: 'name', id: 'myndighet-nytt-namn', label: t.name, hint: a.nameHint(nameRules.minLength ?? 1, nameRules.maxLength ?? 200), maxLength: nameRules.maxLength ?? undefined }];

/** One agency: its code and units, and the form that renames it (the code stays). */
export function AgencyPage(props: { ctx: PageContext; agency: RegistryView['agencies'][number]; notice?: string; errors?: RegistryFormErrors }) {
  const { ctx, agency, errors } = props;
  const action = `${ctx.base}/administration/registret/myndigheter/${encodeURIComponent(agency.code)}`;
  return (
    <Layout ctx={{ ...ctx, current: 'registry' }} title={a.title(agency.name)}>
      <p>
        <a href={`${ctx.base}/administration/registret`}>{t.back}</a>
      </p>
      <h1>{a.title(agency.name)}</h1>
      <Notice text={props.notice} />
      <ErrorSummary errors={errors} form="rename" specs={renameFields} />
      <h2>{a.facts}</h2>
      <dl class="facts">
        <dt>{t.code}</dt>
        <dd>{agency.code}</dd>
        <dt>{a.units}</dt>
        <dd>
          {agency.units.length === 0 ? (
            t.noUnits
          ) : (
            <ul>
              {agency.units.map((u) => (
                <li>
                  <a href={`${ctx.base}/administration/registret/enheter/${encodeURIComponent(u.code)}`}>{u.name}</a>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>

      <h2 id="byt-namn">{a.rename}</h2>
      <p>{a.renameHint(agency.code)}</p>
      <form method="post" action={action} aria-labelledby="byt-namn">
        <Csrf ctx={ctx} />
        {renameFields.map((s) => (
          <Field spec={s} value={errors?.form === 'rename' ? errors.values[s.name] : agency.name} error={errors?.form === 'rename' ? errors.fields[s.name] : undefined} />
        ))}
        <p class="actions">
          <button type="submit">{a.save}</button>
        </p>
      </form>
    </Layout>
  );
}
