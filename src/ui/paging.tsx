// Lists of users paged and searched as GET /api/org/users and /api/org/compliance page them (the Users page,
// Settings → not yet enrolled): the search form, what a search shows and how to leave it, the next page and the first.
import type { Child } from "hono/jsx";
import type { PageCtx } from "./layout";

/** Where a list stands: the search in force, the next page's link (null on the last) and the first's (null on it). */
export interface ListPaging {
  q: string;
  nextHref: string | null;
  firstHref: string | null;
}

/**
 * The links of a list shown at `path` (`anchor`: the list's id, so a link lands on the list rather than the page's
 * top), the search kept on every one. `cursor`: the page shown (none on the first); `nextCursor`: the API's.
 */
export function listLinks(p: {
  path: string;
  anchor?: string;
  q: string;
  cursor: string | undefined;
  nextCursor: string | null;
}): ListPaging {
  const href = (cursor?: string) => {
    const query = new URLSearchParams({ ...(p.q ? { q: p.q } : {}), ...(cursor ? { cursor } : {}) }).toString();
    return `${p.path}${query ? `?${query}` : ""}${p.anchor ? `#${p.anchor}` : ""}`;
  };
  return { q: p.q, nextHref: p.nextCursor ? href(p.nextCursor) : null, firstHref: p.cursor !== undefined ? href() : null };
}

/** The search form (GET to `action`), then, while a search is in force, what it shows and a link to everyone. */
export function ListSearch({ ctx, id, action, clearHref, q }: { ctx: PageCtx; id: string; action: string; clearHref: string; q: string }) {
  const u = ctx.t.users;
  return (
    <>
      <form method="get" action={action} class="inline-form">
        <div class="field">
          <label for={id}>{u.search}</label>
          <input type="search" name="q" id={id} value={q} maxlength={100} />
        </div>
        <button type="submit" class="secondary">
          {u.searchButton}
        </button>
      </form>
      {q ? (
        <p class="hint">
          {u.searchingFor(q)} <a href={clearHref}>{u.clearSearch}</a>
        </p>
      ) : null}
    </>
  );
}

/**
 * "Next page" while there is one, and "First page" from any later page. Before the link: that a search goes on
 * past this page, or else `more` (what the caller knows of the rest, e.g. how many remain).
 */
export function ListPager({ ctx, paging, more }: { ctx: PageCtx; paging: ListPaging; more?: Child }) {
  const u = ctx.t.users;
  return (
    <>
      {paging.nextHref ? (
        <p>
          {paging.q ? <>{u.searchGoesOn} </> : more ? <>{more} </> : null}
          <a href={paging.nextHref} rel="next">
            {u.nextPage}
          </a>
        </p>
      ) : null}
      {paging.firstHref ? (
        <p>
          <a href={paging.firstHref}>{u.firstPage}</a>
        </p>
      ) : null}
    </>
  );
}
