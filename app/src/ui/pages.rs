//! The largest pages as lazily loaded routes: in the browser, such a page's code is a chunk of
//! its own that the router fetches when the page is first shown (cargo-leptos `--split` cuts the
//! wasm at each `#[lazy_route]`), so no other page carries it in its first load. On the server
//! nothing changes: the page renders at once, and the HTML names the chunk to preload.
//!
//! Only pages that are big and seen by few are here (catalogue administration, placement): each
//! split adds a request, and making every page lazy cut bytes by at most 40 % while hydration
//! came 1.2–5× later (docs/performance.md).
//!
//! A page takes its data itself (its resources), so a route's `data` half is empty.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use crate::features::{catalogue, placement};

macro_rules! lazy_pages {
    ($($route:ident => $page:path;)*) => {$(
        #[doc = concat!("The route of [`", stringify!($page), "`], loaded when first shown.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(this: Self) -> AnyView {
                let $route = this;
                $page().into_any()
            }
        }
    )*};
}

lazy_pages! {
    CatalogueAdmin => catalogue::CatalogueAdminPage;
    Placement => placement::PlacementPage;
}
