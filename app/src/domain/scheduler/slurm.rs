//! The state as a `sacctmgr` script that converges a cluster: it reads what the cluster holds
//! (`sacctmgr show assoc`), adds what is missing, changes what differs and removes the users who
//! left a project; it never deletes an account (an ended quota's account keeps its history, with
//! zero GPUs). A dry run by default; `--apply` changes the cluster. Run twice, the second run
//! changes nothing. Every name in it is a slug, a login or a model checked at the edge, so
//! nothing needs quoting.

use std::fmt::Write as _;

use super::{gres_type, SiteState};

/// The POSIX shell script for `state`.
pub fn sacctmgr_script(state: &SiteState) -> String {
    let mut s = String::with_capacity(4096);
    let _ = write!(
        s,
        "#!/bin/sh\n\
         # Guichet: the Slurm accounting of site {site}, cluster {cluster}, revision {rev}.\n\
         # Dry run by default (prints what would change); `sh THIS --apply` changes the cluster.\n\
         set -eu\n\
         CLUSTER={cluster}\n\
         SACCTMGR=\"${{SACCTMGR:-sacctmgr}}\"\n\
         APPLY=0\n\
         [ \"${{1:-}}\" = --apply ] && APPLY=1\n\
         CHANGES=0\n\
         {HELPERS}",
        site = state.site,
        cluster = state.cluster,
        rev = state.revision,
    );
    let _ = writeln!(s, "ensure_account {} root", state.root_account);
    for tenant in &state.tenants {
        let _ = writeln!(s, "ensure_account {tenant} {}", state.root_account);
    }
    for a in &state.accounts {
        let tres = std::iter::once(format!("gres/gpu={}", a.total_gpus()))
            .chain(
                a.gpus
                    .iter()
                    .map(|(m, n)| format!("gres/gpu:{}={n}", gres_type(m))),
            )
            .collect::<Vec<_>>()
            .join(",");
        let minutes = a
            .gpus
            .keys()
            .map(|m| {
                let v = a.gpu_minutes.get(m).map_or(-1, |v| *v);
                format!("gres/gpu:{}={v}", gres_type(m))
            })
            .collect::<Vec<_>>()
            .join(",");
        let _ = writeln!(s, "ensure_account {} {}", a.name, a.parent);
        let _ = writeln!(s, "ensure_limits {} {tres} {minutes}", a.name);
        for user in &a.users {
            let _ = writeln!(s, "ensure_user {user} {}", a.name);
        }
        let _ = writeln!(s, "prune_users {} '{}'", a.name, a.users.join(" "));
    }
    s.push_str(
        "if [ \"$APPLY\" = 1 ]; then\n  echo \"guichet: $CHANGES change(s) applied\"\n\
         else\n  echo \"guichet: $CHANGES change(s) to make (dry run: nothing changed; run with --apply)\"\nfi\n",
    );
    s
}

/// The functions the script's body calls. Limits compare only the `gres/gpu` items (a site may
/// add its own, such as `cpu=`), sorted, with unset (`-1`) items dropped.
const HELPERS: &str = r#"change() {
    CHANGES=$((CHANGES + 1))
    echo "+ sacctmgr -i $*"
    if [ "$APPLY" = 1 ]; then "$SACCTMGR" -i "$@" >/dev/null; fi
}
assoc() {
    "$SACCTMGR" -n -P show assoc where cluster="$CLUSTER" account="$1" \
        format=Account,User,ParentName,GrpTRES,GrpTRESMins 2>/dev/null || true
}
account_line() { assoc "$1" | awk -F'|' '$2 == ""' | head -n 1; }
gpu_items() { printf '%s\n' "$1" | tr ',' '\n' | grep '^gres/gpu' | grep -v '=-1$' | sort | tr '\n' ','; }
ensure_account() {
    line=$(account_line "$1")
    if [ -z "$line" ]; then
        change add account "$1" parent="$2" cluster="$CLUSTER" organization=guichet description="$1"
    elif [ "$(printf '%s' "$line" | cut -d'|' -f3)" != "$2" ] && [ "$2" != root ]; then
        change modify account where name="$1" cluster="$CLUSTER" set parent="$2"
    fi
}
ensure_limits() {
    line=$(account_line "$1")
    have_tres=$(printf '%s' "$line" | cut -d'|' -f4)
    have_mins=$(printf '%s' "$line" | cut -d'|' -f5)
    if [ "$(gpu_items "$have_tres")" != "$(gpu_items "$2")" ] || [ "$(gpu_items "$have_mins")" != "$(gpu_items "$3")" ]; then
        change modify account where name="$1" cluster="$CLUSTER" set GrpTRES="$2" GrpTRESMins="$3"
    fi
}
ensure_user() {
    if [ -z "$(assoc "$2" | awk -F'|' -v u="$1" '$2 == u')" ]; then
        change add user "$1" account="$2" cluster="$CLUSTER"
    fi
}
prune_users() {
    for have in $(assoc "$1" | awk -F'|' '$2 != "" { print $2 }'); do
        case " $2 " in
            *" $have "*) ;;
            *) change remove user where name="$have" account="$1" cluster="$CLUSTER" ;;
        esac
    done
}
"#;
