import type { Api } from '../api';
import { useTitle } from '../components';

export function OperationsPage(_props: { api: Api }) {
  useTitle('Operations');
  return (
    <section aria-labelledby="ops-heading">
      <h1 id="ops-heading">Operations</h1>
    </section>
  );
}
